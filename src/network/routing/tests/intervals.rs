//! Edge cases of the interval helpers: the ends of each address space.

use super::super::addr::{Family, span_prefixes};
use super::super::step_map::StepMap;
use super::net;

#[test]
fn prefixes_of_whole_spaces_and_odd_ranges() {
    assert_eq!(span_prefixes(Family::V6, 0, u128::MAX), [net("::/0")]);
    assert_eq!(
        span_prefixes(Family::V4, 0, u128::from(u32::MAX)),
        [net("0.0.0.0/0")]
    );
    let max = u128::from(u32::MAX);
    assert_eq!(
        span_prefixes(Family::V4, max, max),
        [net("255.255.255.255/32")]
    );
    // 10.0.0.1 to 10.0.0.6
    assert_eq!(
        span_prefixes(Family::V4, 0x0A00_0001, 0x0A00_0006),
        [
            net("10.0.0.1/32"),
            net("10.0.0.2/31"),
            net("10.0.0.4/31"),
            net("10.0.0.6/32")
        ]
    );
    assert_eq!(
        span_prefixes(Family::V6, 1, u128::MAX).len(),
        128,
        "::1 to the end takes one prefix per bit"
    );
    assert!(span_prefixes(Family::V4, 5, 4).is_empty());
    assert!(span_prefixes(Family::V4, 0, max + 1).is_empty());
}

#[test]
fn nested_spans_become_longest_prefix_match() {
    let max = u128::from(u32::MAX);
    // 0/0 → 1, 10/8 → 2, 10.0.0/24 → 3, 255.255.255.0/24 → 4 (ends at max).
    let spans = [
        ((0, max), 1),
        ((0x0A00_0000, 0x0AFF_FFFF), 2),
        ((0x0A00_0000, 0x0A00_00FF), 3),
        ((0xFFFF_FF00, max), 4),
    ];
    let map = StepMap::from_nested(max, 0, &spans);
    let segments: Vec<_> = map.all().collect();
    assert_eq!(
        segments,
        [
            (0, 0x09FF_FFFF, 1),
            (0x0A00_0000, 0x0A00_00FF, 3),
            (0x0A00_0100, 0x0AFF_FFFF, 2),
            (0x0B00_0000, 0xFFFF_FEFF, 1),
            (0xFFFF_FF00, max, 4),
        ]
    );
    assert_eq!(map.segment_at(0x0A00_0100), (2, 0x0AFF_FFFF));
    let clipped: Vec<_> = map.segments(0x0A00_00F0, 0x0A00_010F).collect();
    assert_eq!(
        clipped,
        [(0x0A00_00F0, 0x0A00_00FF, 3), (0x0A00_0100, 0x0A00_010F, 2)]
    );
    // A lone span with nothing around it falls back to the default on both sides.
    let lone = StepMap::from_nested(max, 0, &[((10, 20), 7)]);
    assert_eq!(
        lone.all().collect::<Vec<_>>(),
        [(0, 9, 0), (10, 20, 7), (21, max, 0)]
    );
}
