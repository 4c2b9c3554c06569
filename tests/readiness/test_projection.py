"""The projection rules, checked against the Barking report's published ratings and at every band boundary."""

import pytest

from tracker.readiness.projection import (
    AUDITED,
    CARRIED,
    EXCLUDED,
    SELF_ASSESSED,
    Bands,
    StandardInput,
    band_for,
    baseline,
    discretion_for,
    overall_rating,
    percentage,
    project,
)

BANDS = Bands()

#: Barking, Dagenham and Havering, November 2022: published key-question percentages and ratings
BARKING = [
    StandardInput("1.1", "Leadership", 1, "Requires improvement"),
    StandardInput("1.2", "Staff", 1, "Requires improvement"),
    StandardInput("1.3", "Services", 1, "Requires improvement"),
    StandardInput("1.4", "Information and facilities", 1, "Requires improvement"),
    StandardInput("2.1", "Court work", 2, "Not applicable"),
    StandardInput("2.2", "Assessment", 2, "Inadequate", (65, 68, 43)),
    StandardInput("2.3", "Planning", 2, "Inadequate", (60, 73, 43)),
    StandardInput("2.4", "Implementation and delivery", 2, "Requires improvement", (75, 55, 48)),
    StandardInput("2.5", "Reviewing", 2, "Inadequate", (53, 43, 38)),
]


def by_code(projection):
    return {standard.code: standard for standard in projection.standards}


def test_barking_published_percentages_reproduce_the_published_ratings():
    projected = by_code(project(BARKING, BANDS))
    assert projected["2.2"].rating == "Inadequate" and projected["2.2"].lowest == 43
    assert projected["2.3"].rating == "Inadequate"
    assert projected["2.5"].rating == "Inadequate" and projected["2.5"].lowest == 38
    # 2.4: lowest 48% is Inadequate by the bands; inspectors used discretion to rate it Requires improvement.
    standard = projected["2.4"]
    assert standard.rating == "Inadequate" and standard.lowest == 48
    assert standard.discretion is not None
    assert (standard.discretion.boundary, standard.discretion.distance) == (50, 2)
    assert standard.discretion.direction == "below"
    assert standard.discretion.other_rating == "Requires improvement" == standard.inspection_rating
    assert "professional discretion may apply" in standard.discretion.message
    assert all(projected[code].discretion is None for code in ("2.2", "2.3", "2.5"))


def test_barking_baseline_is_the_published_score_and_overall_rating():
    published = baseline(BARKING, BANDS)
    assert (published.score, published.score_max, published.overall_rating) == (5, 24, "Requires improvement")


def test_court_work_not_applicable_is_left_out_of_the_score():
    projected = project(BARKING, BANDS)
    assert by_code(projected)["2.1"].basis == EXCLUDED
    assert projected.score_max == 24
    # Domain one carries the inspection's rating when not self-assessed; the audit gives 2.4 Inadequate, not RI.
    assert projected.score == 4


def test_court_work_rated_counts_out_of_27():
    rated = [*BARKING[:4], StandardInput("2.1", "Court work", 2, "Good", (70, 81, 66)), *BARKING[5:]]
    projection = project(rated, BANDS)
    assert projection.score_max == 27
    assert by_code(projection)["2.1"].rating == "Good"


@pytest.mark.parametrize(("lowest", "rating"), [
    (49, "Inadequate"), (50, "Requires improvement"), (64, "Requires improvement"), (65, "Good"),
    (79, "Good"), (80, "Outstanding"), (0, "Inadequate"), (100, "Outstanding"),
])
def test_band_boundaries(lowest, rating):
    assert band_for(lowest, BANDS) == rating


@pytest.mark.parametrize(("lowest", "boundary", "direction", "other"), [
    (49, 50, "below", "Requires improvement"), (45, 50, "below", "Requires improvement"),
    (50, 50, "above", "Inadequate"), (55, 50, "above", "Inadequate"),
    (64, 65, "below", "Good"), (65, 65, "above", "Requires improvement"),
    (79, 80, "below", "Outstanding"), (80, 80, "above", "Good"), (84, 80, "above", "Good"),
])
def test_discretion_flags_near_each_boundary(lowest, boundary, direction, other):
    flag = discretion_for(lowest, BANDS)
    assert flag is not None
    assert (flag.boundary, flag.direction, flag.other_rating) == (boundary, direction, other)
    assert flag.distance == abs(lowest - boundary)


@pytest.mark.parametrize("lowest", [44, 56, 72, 86, 20])
def test_no_flag_far_from_a_boundary(lowest):
    assert discretion_for(lowest, BANDS) is None


def test_bands_and_discretion_come_from_configuration():
    bands = Bands.from_config({"READINESS_BAND_OUTSTANDING": 85, "READINESS_BAND_GOOD": 70,
                               "READINESS_BAND_REQUIRES_IMPROVEMENT": 55, "READINESS_DISCRETION_POINTS": 2,
                               "READINESS_OVERALL_RATING_TABLE": [{"min_fraction": 0.0, "rating": "Inadequate"},
                                                                  {"min_fraction": 0.5, "rating": "Good"}]})
    assert band_for(54, bands) == "Inadequate" and band_for(55, bands) == "Requires improvement"
    assert discretion_for(52, bands) is None and discretion_for(53, bands).boundary == 55
    assert overall_rating(12, 24, bands) == "Good" and overall_rating(11, 24, bands) == "Inadequate"


def test_self_assessed_domain_one_ratings_are_marked_as_such():
    inputs = [StandardInput("1.1", "Leadership", 1, "Requires improvement", self_assessed_rating="Good"),
              StandardInput("1.2", "Staff", 1, "Requires improvement")]
    projected = by_code(project(inputs, BANDS))
    assert (projected["1.1"].rating, projected["1.1"].basis) == ("Good", SELF_ASSESSED)
    assert projected["1.1"].basis_label == "Self-assessed"
    assert (projected["1.2"].rating, projected["1.2"].basis) == ("Requires improvement", CARRIED)


def test_a_standard_not_audited_carries_the_inspection_rating():
    projected = project([StandardInput("2.2", "Assessment", 2, "Inadequate", None)], BANDS)
    assert (projected.standards[0].rating, projected.standards[0].basis) == ("Inadequate", CARRIED)
    audited = project([StandardInput("2.2", "Assessment", 2, "Inadequate", (70, 90, 66))], BANDS)
    assert (audited.standards[0].rating, audited.standards[0].basis, audited.standards[0].change) == (
        "Good", AUDITED, 2)


def test_a_four_standard_methodology_scores_out_of_12():
    inputs = [StandardInput(f"{n}", f"Standard {n}", 2, "Good", (70, 75, 80)) for n in range(1, 5)]
    projection = project(inputs, BANDS)
    assert (projection.score, projection.score_max, projection.overall_rating) == (8, 12, "Good")


@pytest.mark.parametrize(("score", "maximum", "rating"), [
    (5, 24, "Requires improvement"), (4, 24, "Inadequate"), (12, 24, "Good"), (18, 24, "Outstanding"),
    (0, 0, "Inadequate"),
])
def test_overall_rating_table(score, maximum, rating):
    assert overall_rating(score, maximum, BANDS) == rating


@pytest.mark.parametrize(("yes", "sample", "expected"), [(1, 3, 33), (2, 3, 67), (1, 8, 13), (0, 5, 0), (7, 7, 100)])
def test_percentage_is_computed_and_rounded_half_up(yes, sample, expected):
    assert percentage(yes, sample) == expected


def test_percentage_needs_a_sample():
    with pytest.raises(ValueError):
        percentage(1, 0)


def test_discretion_messages_read_plainly():
    assert discretion_for(50, BANDS).message.startswith("exactly on the 50% boundary")
    assert discretion_for(81, BANDS).message.startswith("1 point above the 80% boundary")
    assert discretion_for(46, BANDS).message.startswith("4 points below the 50% boundary")
