"""The custom keywords of the invoicespec vocabulary, and the standard keywords the library writes its own
messages for."""
