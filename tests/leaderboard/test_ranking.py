from leaderboard.ranking import score_preference, tied_ranks


def test_rows_whose_intervals_overlap_share_a_rank_range():
    ranks = tied_ranks([(80, 78, 82), (79, 77, 81), (60, 58, 62)])
    assert [r.label for r in ranks] == ["1–2", "1–2", "3"]


def test_a_row_is_ranked_below_only_the_rows_entirely_above_its_interval():
    ranks = tied_ranks([(90, 89, 91), (80, 70, 90.5), (75, 74, 76)])
    assert [r.label for r in ranks] == ["1–2", "1–3", "2–3"]


def test_equal_values_without_intervals_are_shown_as_an_exact_tie():
    ranks = tied_ranks([(70, 70, 70), (70, 70, 70), (50, 50, 50)])
    assert [r.label for r in ranks] == ["=1", "=1", "3"]


def test_lower_is_better_ranks_the_smallest_value_first_and_missing_values_stay_unranked():
    ranks = tied_ranks([(5, 5, 5), None, (3, 3, 3)], higher_is_better=False)
    assert ranks[0].label == "2" and ranks[1] is None and ranks[2].label == "1"


def test_the_official_run_beats_a_newer_organizer_run_which_beats_any_published_score():
    official = score_preference(reporter="organizer", is_official=True, created_ts=1)
    newer_run = score_preference(reporter="organizer", is_official=False, created_ts=9)
    older_run = score_preference(reporter="organizer", is_official=False, created_ts=2)
    independent = score_preference(reporter="independent", is_official=False, created_ts=10)
    self_reported = score_preference(reporter="self", is_official=False, created_ts=10)
    summary = score_preference(reporter="third_party_summary", is_official=False, created_ts=10)
    ordered = sorted([summary, self_reported, independent, older_run, newer_run, official])
    assert ordered == [official, newer_run, older_run, independent, self_reported, summary]
