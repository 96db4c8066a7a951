"""Overlay geometry: snapping, clamping, per-screen positions (pure functions, no Qt)."""

from __future__ import annotations

from companion.snap import (
    Rect,
    clamp_to_screen,
    default_position,
    docked_edges,
    from_fractions,
    screen_index_for,
    screen_key,
    snap_to_edges,
    to_fractions,
)

SCREEN = Rect(0, 0, 1920, 1080)
RIGHT_SCREEN = Rect(1920, 0, 1280, 1024)  # a second monitor to the right, different size


def test_near_left_and_top_edges_snap_flush() -> None:
    placed = snap_to_edges(Rect(15, 20, 300, 150), SCREEN, threshold=24)
    assert (placed.x, placed.y) == (0, 0)
    assert docked_edges(placed, SCREEN) == {"left", "top"}


def test_near_right_and_bottom_edges_snap_flush() -> None:
    placed = snap_to_edges(Rect(1600, 915, 300, 150), SCREEN, threshold=24)
    assert (placed.right, placed.bottom) == (1920, 1080)
    assert docked_edges(placed, SCREEN) == {"right", "bottom"}


def test_far_from_edges_stays_put() -> None:
    window = Rect(500, 400, 300, 150)
    assert snap_to_edges(window, SCREEN, threshold=24) == window
    assert docked_edges(window, SCREEN) == set()


def test_offscreen_window_is_pulled_back_without_resizing() -> None:
    placed = clamp_to_screen(Rect(2500, -300, 300, 150), SCREEN)
    assert placed == Rect(1620, 0, 300, 150)
    too_big = clamp_to_screen(Rect(100, 100, 3000, 2000), SCREEN)
    assert (too_big.x, too_big.y, too_big.width) == (0, 0, 3000)


def test_snap_on_second_monitor_uses_its_edges() -> None:
    placed = snap_to_edges(Rect(1930, 500, 300, 150), RIGHT_SCREEN)
    assert placed.x == 1920
    placed = snap_to_edges(Rect(2880, 860, 300, 150), RIGHT_SCREEN)
    assert (placed.right, placed.bottom) == (3200, 1024)


def test_screen_index_by_centre_then_nearest() -> None:
    screens = [SCREEN, RIGHT_SCREEN]
    assert screen_index_for(Rect(100, 100, 300, 150), screens) == 0
    assert screen_index_for(Rect(1850, 100, 300, 150), screens) == 1  # centre at x=2000
    assert screen_index_for(Rect(5000, 100, 300, 150), screens) == 1  # off every screen
    assert screen_index_for(Rect(0, 0, 10, 10), []) == -1


def test_fractions_round_trip_and_keep_docking_across_resolutions() -> None:
    docked_right = Rect(1620, 465, 300, 150)
    fractions = to_fractions(docked_right, SCREEN)
    assert fractions[0] == 1.0
    assert from_fractions(fractions, (300, 150), SCREEN) == docked_right
    # Same monitor at a lower resolution (or a 2x scale: fewer logical pixels): still docked.
    smaller = Rect(0, 0, 1280, 720)
    moved = from_fractions(fractions, (300, 150), smaller)
    assert moved.right == 1280 and moved.y == round((720 - 150) * fractions[1])


def test_fractions_of_bad_values_are_clamped() -> None:
    assert from_fractions((7.0, -3.0), (300, 150), SCREEN) == Rect(1620, 0, 300, 150)


def test_screen_keys_separate_monitors_and_layouts() -> None:
    assert screen_key("HDMI-1", SCREEN) != screen_key("DP-2", SCREEN)
    assert screen_key("HDMI-1", SCREEN) != screen_key("HDMI-1", Rect(0, 0, 960, 540))
    assert screen_key("", SCREEN).startswith("screen:")


def test_default_position_is_bottom_right() -> None:
    placed = default_position((300, 150), RIGHT_SCREEN)
    assert (placed.right, placed.bottom) == (3200, 1024)
