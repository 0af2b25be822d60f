"""Task kinds of the misbehaving test evaluators (plain strings: settings modules import it)."""

TEST_EVALUATORS = {
    "raising": "tests.submissions.evaluators.RaisingEvaluator",
    "hanging": "tests.submissions.evaluators.HangingEvaluator",
    "counting": "tests.submissions.evaluators.CountingEvaluator",
    "junk": "tests.submissions.evaluators.JunkEvaluator",
    "slow": "tests.submissions.evaluators.SlowEvaluator",
    "flaky": "tests.submissions.evaluators.FlakyEvaluator",
}
