"""The projection rules, checked against the Barking report's published ratings and at every band boundary."""

import pytest

from tracker.config import ConfigurationError
from tracker.readiness.projection import (
    AUDITED,
    CARRIED,
    EXCLUDED,
    SELF_ASSESSED,
    TOO_FEW,
    Bands,
    StandardInput,
    band_for,
    baseline,
    discretion_for,
    interval_for,
    overall_rating,
    percentage,
    project,
    wilson_interval,
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


@pytest.mark.parametrize(
    ("lowest", "rating"),
    [
        (49, "Inadequate"),
        (50, "Requires improvement"),
        (64, "Requires improvement"),
        (65, "Good"),
        (79, "Good"),
        (80, "Outstanding"),
        (0, "Inadequate"),
        (100, "Outstanding"),
    ],
)
def test_band_boundaries(lowest, rating):
    assert band_for(lowest, BANDS) == rating


@pytest.mark.parametrize(
    ("lowest", "boundary", "direction", "other"),
    [
        (49, 50, "below", "Requires improvement"),
        (45, 50, "below", "Requires improvement"),
        (50, 50, "above", "Inadequate"),
        (55, 50, "above", "Inadequate"),
        (64, 65, "below", "Good"),
        (65, 65, "above", "Requires improvement"),
        (79, 80, "below", "Outstanding"),
        (80, 80, "above", "Good"),
        (84, 80, "above", "Good"),
    ],
)
def test_discretion_flags_near_each_boundary(lowest, boundary, direction, other):
    flag = discretion_for(lowest, BANDS)
    assert flag is not None
    assert (flag.boundary, flag.direction, flag.other_rating) == (boundary, direction, other)
    assert flag.distance == abs(lowest - boundary)


@pytest.mark.parametrize("lowest", [44, 56, 72, 86, 20])
def test_no_flag_far_from_a_boundary(lowest):
    assert discretion_for(lowest, BANDS) is None


def test_bands_and_discretion_come_from_configuration():
    bands = Bands.from_config(
        {
            "READINESS_BAND_OUTSTANDING": 85,
            "READINESS_BAND_GOOD": 70,
            "READINESS_BAND_REQUIRES_IMPROVEMENT": 55,
            "READINESS_DISCRETION_POINTS": 2,
            "READINESS_OVERALL_RATING_TABLE": [
                {"min_fraction": 0.0, "rating": "Inadequate"},
                {"min_fraction": 0.5, "rating": "Good"},
            ],
        }
    )
    assert band_for(54, bands) == "Inadequate" and band_for(55, bands) == "Requires improvement"
    assert discretion_for(52, bands) is None and discretion_for(53, bands).boundary == 55
    assert overall_rating(12, 24, bands) == "Good" and overall_rating(11, 24, bands) == "Inadequate"


def test_self_assessed_domain_one_ratings_are_marked_as_such():
    inputs = [
        StandardInput("1.1", "Leadership", 1, "Requires improvement", self_assessed_rating="Good"),
        StandardInput("1.2", "Staff", 1, "Requires improvement"),
    ]
    projected = by_code(project(inputs, BANDS))
    assert (projected["1.1"].rating, projected["1.1"].basis) == ("Good", SELF_ASSESSED)
    assert projected["1.1"].basis_label == "Self-assessed"
    assert (projected["1.2"].rating, projected["1.2"].basis) == ("Requires improvement", CARRIED)


def test_a_standard_not_audited_carries_the_inspection_rating():
    projected = project([StandardInput("2.2", "Assessment", 2, "Inadequate", None)], BANDS)
    assert (projected.standards[0].rating, projected.standards[0].basis) == ("Inadequate", CARRIED)
    audited = project([StandardInput("2.2", "Assessment", 2, "Inadequate", (70, 90, 66))], BANDS)
    assert (audited.standards[0].rating, audited.standards[0].basis, audited.standards[0].change) == (
        "Good",
        AUDITED,
        2,
    )


def test_a_four_standard_methodology_scores_out_of_12():
    inputs = [StandardInput(f"{n}", f"Standard {n}", 2, "Good", (70, 75, 80)) for n in range(1, 5)]
    projection = project(inputs, BANDS)
    assert (projection.score, projection.score_max, projection.overall_rating) == (8, 12, "Good")


@pytest.mark.parametrize(
    ("score", "maximum", "rating"),
    [
        (5, 24, "Requires improvement"),
        (4, 24, "Inadequate"),
        (12, 24, "Good"),
        (18, 24, "Outstanding"),
        (0, 0, "Inadequate"),
    ],
)
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


def test_wilson_interval_matches_a_worked_example():
    # 4 of 6 cases 'Yes', z = 1.6449 (90%), worked by hand:
    #   p = 4/6 = 0.666667;  z² = 1.6449² = 2.705696;  z²/n = 0.450949;  denominator 1 + z²/n = 1.450949
    #   centre = (p + z²/2n) / denominator = (0.666667 + 0.225475) / 1.450949 = 0.892141 / 1.450949 = 0.614867
    #   p(1-p)/n = 0.222222/6 = 0.037037;  z²/4n² = 2.705696/144 = 0.018790;  √(0.037037 + 0.018790) = 0.236277
    #   half width = z × 0.236277 / denominator = 0.388652 / 1.450949 = 0.267860
    #   interval = 0.614867 ± 0.267860 = 0.347007 to 0.882727, that is 35% to 88%
    low, high = wilson_interval(4, 6)
    assert low == pytest.approx(0.347007, abs=1e-5)
    assert high == pytest.approx(0.882727, abs=1e-5)
    interval = interval_for(4, 6, BANDS)
    assert (interval.low, interval.high) == (35, 88)
    assert interval.ratings == "Inadequate to Outstanding"


def test_wilson_interval_stays_within_nought_and_one_and_never_collapses():
    assert wilson_interval(0, 20)[0] == 0.0 and wilson_interval(0, 20)[1] > 0.1
    assert wilson_interval(20, 20)[1] == 1.0 and wilson_interval(20, 20)[0] < 0.9
    with pytest.raises(ValueError):
        wilson_interval(7, 6)


def test_interval_names_the_ratings_it_spans():
    # 60 of 100: 51.8% to 67.7%, so the standard could be Requires improvement or Good
    assert interval_for(60, 100, BANDS).ratings == "Requires improvement to Good"
    assert interval_for(95, 100, BANDS).ratings == "Outstanding"


def audited(code: str, name: str, rating: str, yes: tuple[int, ...], cases: int) -> StandardInput:
    return StandardInput(code, name, 2, rating, tuple(percentage(y, cases) for y in yes), cases=cases, yes_counts=yes)


#: Barking re-audited: 2.5 on only 6 cases (5, 5, 4 'Yes'), the rest on 20; domain one self-assessed
REAUDIT = [
    StandardInput("1.1", "Leadership", 1, "Requires improvement", self_assessed_rating="Good"),
    StandardInput("1.2", "Staff", 1, "Requires improvement", self_assessed_rating="Requires improvement"),
    StandardInput("1.3", "Services", 1, "Requires improvement", self_assessed_rating="Good"),
    StandardInput("1.4", "Information and facilities", 1, "Requires improvement"),
    StandardInput("2.1", "Court work", 2, "Not applicable"),
    audited("2.2", "Assessment", "Inadequate", (15, 16, 14), 20),
    audited("2.3", "Planning", "Inadequate", (12, 15, 10), 20),
    audited("2.4", "Implementation and delivery", "Requires improvement", (14, 12, 10), 20),
    audited("2.5", "Reviewing", "Inadequate", (5, 5, 4), 6),
]


def test_six_cases_are_too_few_to_project_and_are_left_out_of_the_score():
    projection = project(REAUDIT, BANDS)
    reviewing = by_code(projection)["2.5"]
    # 4 of 6 is 67%, which the bands alone would call Good; six cases cannot carry that claim
    assert reviewing.basis == TOO_FEW and not reviewing.is_rated
    assert reviewing.rating == "Too few cases to project"
    assert (reviewing.lowest, reviewing.sample) == (67, "4 of 6 cases")
    assert (reviewing.interval.low, reviewing.interval.high) == (35, 88)
    assert projection.too_few == (reviewing,)
    # seven rated standards remain, out of 21: 1.1 Good 2, 1.2 Requires improvement 1, 1.3 Good 2, 1.4 carried
    # Requires improvement 1, 2.2 Good 2 (70%), 2.3 and 2.4 Requires improvement 1 each (50%): 10
    assert by_code(projection)["2.4"].rating == "Requires improvement"
    assert (projection.score, projection.score_max) == (10, 21)


def test_the_minimum_sample_comes_from_configuration():
    bands = Bands.from_config({"READINESS_MINIMUM_CASES": 5})
    assert bands.minimum_cases == 5
    assert by_code(project(REAUDIT, bands))["2.5"].rating == "Good"
    assert Bands.from_config({}).minimum_cases == 20
    for wrong in (0, -3, "twenty", 2.5, True):
        with pytest.raises(ConfigurationError):
            Bands.from_config({"READINESS_MINIMUM_CASES": wrong})


def test_an_audited_standard_shows_its_sample_and_interval():
    standard = by_code(project(REAUDIT, BANDS))["2.2"]
    assert (standard.rating, standard.basis, standard.lowest) == ("Good", AUDITED, 70)
    assert standard.sample == "14 of 20 cases"
    assert (standard.interval.low, standard.interval.high) == (52, 84)
    assert standard.interval.ratings == "Requires improvement to Outstanding"


def test_self_assessed_points_are_counted_apart_from_audited_ones():
    projection = project(REAUDIT, BANDS)
    assert (projection.self_assessed_count, projection.self_assessed_score) == (3, 5)
    assert (projection.audited_count, projection.audited_score) == (3, 4)
    assert projection.carried_score == 1
    assert projection.self_assessed_score + projection.audited_score + projection.carried_score == projection.score
