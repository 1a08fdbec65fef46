//! Side-by-side placement of overlapping blocks in a day of the week view.

/// Where a block goes among overlapping ones: its lane, how many lanes its cluster of overlapping
/// blocks has, and how many lanes it covers (it widens into lanes to its right that stay free for
/// its whole time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lane {
    pub index: u8,
    pub count: u8,
    pub span: u8,
}

/// Side-by-side placement of overlapping blocks, for intervals given in start order. Intervals are
/// half-open; an empty one counts as one unit long.
pub(crate) fn lanes(intervals: &[(u16, u16)]) -> Vec<Lane> {
    let intervals: Vec<(u16, u16)> = intervals.iter().map(|&(start, end)| (start, end.max(start + 1))).collect();
    let mut placement = vec![Lane { index: 0, count: 1, span: 1 }; intervals.len()];
    let mut lane_ends: Vec<u16> = Vec::new();
    let mut cluster_start = 0;
    let mut cluster_end = 0u16;
    for (index, &(start, end)) in intervals.iter().enumerate() {
        if start >= cluster_end && index > cluster_start {
            close_cluster(&intervals[cluster_start..index], &mut placement[cluster_start..index], lane_ends.len());
            lane_ends.clear();
            cluster_start = index;
        }
        let lane = match lane_ends.iter().position(|&lane_end| lane_end <= start) {
            Some(lane) => {
                lane_ends[lane] = end;
                lane
            }
            None => {
                lane_ends.push(end);
                lane_ends.len() - 1
            }
        };
        placement[index].index = lane.min(usize::from(u8::MAX)) as u8;
        cluster_end = if index == cluster_start { end } else { cluster_end.max(end) };
    }
    if !intervals.is_empty() {
        close_cluster(&intervals[cluster_start..], &mut placement[cluster_start..], lane_ends.len());
    }
    placement
}

fn close_cluster(intervals: &[(u16, u16)], placement: &mut [Lane], lanes: usize) {
    let count = lanes.min(usize::from(u8::MAX)) as u8;
    let overlaps = |a: (u16, u16), b: (u16, u16)| a.0 < b.1 && b.0 < a.1;
    for i in 0..placement.len() {
        let mut span = 1;
        while placement[i].index + span < count {
            let next_lane = placement[i].index + span;
            let taken =
                (0..placement.len()).any(|j| placement[j].index == next_lane && overlaps(intervals[i], intervals[j]));
            if taken {
                break;
            }
            span += 1;
        }
        placement[i].count = count;
        placement[i].span = span;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_blocks_go_side_by_side() {
        let lane = |index, count, span| Lane { index, count, span };
        // 9-11, 10-12, 11-12, 13-14: the first three form one cluster needing two lanes.
        let intervals = [(36, 44), (40, 48), (44, 48), (52, 56)];
        assert_eq!(lanes(&intervals), [lane(0, 2, 1), lane(1, 2, 1), lane(0, 2, 1), lane(0, 1, 1)]);
        // Three at once, then a lone one.
        assert_eq!(
            lanes(&[(0, 4), (0, 4), (1, 2), (8, 9)]),
            [lane(0, 3, 1), lane(1, 3, 1), lane(2, 3, 1), lane(0, 1, 1)]
        );
        // A long block beside two short ones in a row, a third lane needed only early on: the later
        // short block widens into the free third lane.
        assert_eq!(
            lanes(&[(0, 20), (0, 4), (2, 6), (8, 12)]),
            [lane(0, 3, 1), lane(1, 3, 1), lane(2, 3, 1), lane(1, 3, 2)]
        );
        // Empty intervals still take a unit.
        assert_eq!(lanes(&[(4, 4), (4, 4)]), [lane(0, 2, 1), lane(1, 2, 1)]);
        assert!(lanes(&[]).is_empty());
    }
}
