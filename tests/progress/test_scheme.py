"""The course arithmetic of ``learnplat.progress.rules.standing`` (docs/grading.md)."""

from __future__ import annotations

from learnplat.progress.rules import (
    POINTS_PER_WEIGHT,
    CourseRule,
    GroupRule,
    TaskMark,
    TaskRule,
    standing,
)


def rule(
    task_id: int, max_score: float, *, weight: float = 1, group: int | None = None
) -> TaskRule:
    return TaskRule(
        task_id=task_id,
        course_id=1,
        max_score=max_score,
        weight=weight,
        is_published=True,
        policy="best",
        complete_when_graded=False,
        threshold=1.0,
        group_id=group,
    )


def marks(**scores: float) -> dict[int, TaskMark]:
    """``t3=7.5`` → task 3 scored 7.5 (weight 1)."""
    return {int(k[1:]): TaskMark(round(v * POINTS_PER_WEIGHT)) for k, v in scores.items()}


def group(group_id: int, weight: float = 0, drop_lowest: int = 0) -> GroupRule:
    return GroupRule(group_id, f"G{group_id}", weight, drop_lowest, group_id)


def test_points_sum_points_ten_five_five_all_right_is_twenty_of_twenty() -> None:
    rules = [rule(1, 10), rule(2, 5), rule(3, 5)]
    result = standing(CourseRule(), rules, marks(t1=10, t2=5, t3=5))
    assert (result.score, result.max_score, result.percent) == (20.0, 20.0, 100.0)
    assert [g.group for g in result.groups] == [None]


def test_points_drop_the_lowest_percentages_of_a_group() -> None:
    rules = [rule(1, 10, group=7), rule(2, 10, group=7), rule(3, 20, group=7), rule(4, 10)]
    course = CourseRule(groups=(group(7, drop_lowest=1),))
    result = standing(course, rules, marks(t1=5, t2=9, t3=4, t4=10))
    homework, other = result.groups
    # Task 3 is 20 % and goes; 5 + 9 of 20 stay.
    assert (homework.dropped, homework.points, homework.max_points) == ((3,), 14e6, 20e6)
    assert (result.score, result.max_score, result.percent) == (24.0, 30.0, 80.0)
    assert other.weight is None


def test_a_group_never_drops_its_last_task_and_ties_drop_the_older() -> None:
    rules = [rule(1, 10, group=1), rule(2, 10, group=1)]
    result = standing(CourseRule(groups=(group(1, drop_lowest=5),)), rules, marks())
    assert result.groups[0].dropped == (1,)
    assert result.max_score == 10.0


def test_ungraded_tasks_count_zero_and_are_dropped_first() -> None:
    rules = [rule(1, 10, group=1), rule(2, 10, group=1), rule(3, 10, group=1)]
    result = standing(CourseRule(groups=(group(1, drop_lowest=1),)), rules, marks(t1=6, t2=8))
    assert result.groups[0].dropped == (3,)
    assert result.percent == 70.0


def test_weighted_groups_weigh_their_percentages_and_the_rest_weighs_what_is_left() -> None:
    rules = [rule(1, 100, group=1), rule(2, 10, group=2), rule(3, 10)]
    course = CourseRule(scheme="weighted", groups=(group(1, 60), group(2, 30)))
    result = standing(course, rules, marks(t1=50, t2=10, t3=0))
    # 60 % x 0.5 + 30 % x 1.0 + 10 % x 0
    assert (result.percent, result.score, result.max_score) == (60.0, 60.0, 100.0)
    assert [(g.group, g.weight) for g in result.groups] == [(1, 60), (2, 30), (None, 10.0)]


def test_weighted_shares_out_the_weight_of_a_group_with_nothing_to_count() -> None:
    rules = [rule(1, 10, group=1), rule(2, 0, group=2)]
    course = CourseRule(scheme="weighted", groups=(group(1, 40), group(2, 40)))
    result = standing(course, rules, marks(t1=5))
    assert result.percent == 50.0


def test_weight_multiplies_a_tasks_worth_inside_a_group() -> None:
    rules = [rule(1, 10, weight=2, group=1), rule(2, 10, group=1)]
    course = CourseRule(scheme="weighted", groups=(group(1, 100),))
    # Marks hold weight x score: 5 of 10 on the double task is 10 points of its 20.
    result = standing(course, rules, marks(t1=10, t2=10))
    # (2 x 5 + 10) / (20 + 10)
    assert result.percent == 66.67


def test_letters_take_the_first_cut_off_the_percent_reaches() -> None:
    course = CourseRule(letters=(("A", 90.0), ("B", 80.0), ("C", 70.0)))
    rules = [rule(1, 100)]
    assert standing(course, rules, marks(t1=90)).letter == "A"
    assert standing(course, rules, marks(t1=89.99)).letter == "B"
    assert standing(course, rules, marks(t1=10)).letter == ""
    assert standing(CourseRule(), rules, marks(t1=95)).letter == ""


def test_unpublished_and_zero_worth_tasks_add_nothing() -> None:
    draft = TaskRule(9, 1, 10, 1, False, "best", False, 1.0)
    rules = [rule(1, 10), rule(2, 0, weight=5), draft]
    result = standing(CourseRule(), rules, {1: TaskMark(5 * POINTS_PER_WEIGHT), 9: TaskMark(99)})
    assert (result.score, result.max_score, result.tasks_total) == (5.0, 10.0, 2)
