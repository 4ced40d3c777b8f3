"""The pytest plugin, exercised the way users meet it: in a test run of their own (pytester)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_importing_the_plugin_is_light():
    code = (
        "import sys, invoicespec.pytest_plugin; "
        "print(sorted(m for m in ('invoicespec.catalog.load', 'jsonschema', 'hypothesis', 'phonenumbers', "
        "'schwifty', 'yaml', 're2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_plugin_is_registered_by_entry_point(pytester: pytest.Pytester):
    result = pytester.runpytest("--fixtures")  # no conftest, no -p: only the entry point brings them
    result.stdout.fnmatch_lines(["*invoicespec_strategies*", "*invoicespec_samples*"])


def test_strategies_in_a_users_hypothesis_test(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import invoicespec
        from hypothesis import given, settings, strategies as st

        @settings(max_examples=10)
        @given(data=st.data())
        def test_valid_debts(invoicespec_strategies, data):
            debt = data.draw(invoicespec_strategies.payloads("getbill.create_debt"))
            assert invoicespec.is_valid("getbill.create_debt", debt)

        @settings(max_examples=10)
        @given(data=st.data())
        def test_faulty_debts(invoicespec_strategies, data):
            payload, path, keyword = data.draw(invoicespec_strategies.faults("getbill.create_debt"))
            assert (path, keyword) in {(e.path, e.keyword) for e in invoicespec.errors("getbill.create_debt", payload)}
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_strategies_made_in_a_test_body_keep_hypothesis_default_deadline(pytester: pytest.Pytester):
    # A fresh process (nothing compiled yet) and Hypothesis's default settings: 200 ms deadline and the
    # too_slow health check on, not this repository's profiles (the conftest's deadline=None).
    pytester.makepyfile(
        """
        import pytest
        import invoicespec
        from hypothesis import given, settings, strategies as st

        settings.load_profile("default")  # Hypothesis loads its "ci" profile (no deadline) when CI is set
        assert settings().deadline is not None and settings().deadline.total_seconds() == 0.2

        @given(data=st.data())
        def test_with_hypothesis(invoicespec_strategies, data):
            debt = data.draw(invoicespec_strategies.payloads("getbill.create_debt"))
            assert invoicespec.is_valid("getbill.create_debt", debt)

        @given(data=st.data())
        def test_faults_of_another_operation(invoicespec_strategies, data):
            payload, path, keyword = data.draw(invoicespec_strategies.faults("nitrobox.create_deposit_invoice"))
            assert keyword in {e.keyword for e in invoicespec.errors("nitrobox.create_deposit_invoice", payload)}

        def test_names_are_checked_when_the_strategy_is_made(invoicespec_strategies):
            with pytest.raises(invoicespec.UnknownOperation):
                invoicespec_strategies.payloads("nope.op")
            with pytest.raises(invoicespec.UnknownPart):
                invoicespec_strategies.faults("getbill.create_debt", "response.302")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=300)
    result.assert_outcomes(passed=3)


def test_samples_for_tests_without_hypothesis(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import invoicespec

        def test_samples(invoicespec_samples):
            debts = invoicespec_samples("getbill.create_debt", count=7)
            assert len(debts) == 7
            assert all(invoicespec.is_valid("getbill.create_debt", d) for d in debts)
            assert invoicespec_samples("getbill.create_debt", count=7) == debts  # the same every time
            faults = invoicespec_samples("riverty.create_receivable", "request.path", count=3, faults=True)
            for payload, path, keyword in faults:
                assert keyword in {e.keyword for e in invoicespec.errors(
                    "riverty.create_receivable", payload, part="request.path")}
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
