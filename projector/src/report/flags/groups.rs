//! Small groups in a graph of members: simple cycles of a few members, and rings merged into the
//! largest group that holds them (so three members trading round every way are one flag, not
//! four).

use std::collections::{BTreeMap, BTreeSet};
use studio_schema::UserId;

/// Every simple cycle of 2 to `max` members in the directed graph `edges` (self-loops ignored),
/// each once, starting at its smallest member.
pub(super) fn small_cycles(
    edges: &BTreeMap<UserId, BTreeSet<UserId>>,
    max: usize,
) -> Vec<Vec<UserId>> {
    let mut cycles = Vec::new();
    for &start in edges.keys() {
        let mut path = vec![start];
        walk(edges, start, max, &mut path, &mut cycles);
    }
    cycles
}

fn walk(
    edges: &BTreeMap<UserId, BTreeSet<UserId>>,
    start: UserId,
    max: usize,
    path: &mut Vec<UserId>,
    cycles: &mut Vec<Vec<UserId>>,
) {
    let Some(&here) = path.last() else {
        return;
    };
    for &next in edges.get(&here).into_iter().flatten() {
        if next == start && path.len() >= 2 {
            cycles.push(path.clone());
        } else if next > start && !path.contains(&next) && path.len() < max {
            path.push(next);
            walk(edges, start, max, path, cycles);
            path.pop();
        }
    }
}

/// A group of members and the events that tie them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Group {
    /// In the order of the first ring found among them.
    pub members: Vec<UserId>,
    pub seqs: BTreeSet<i64>,
    /// How many rings were merged into it.
    pub rings: usize,
}

/// Merges rings (members in order, the events that close them) into groups: rings over the same
/// members, or over members of a larger group, become one.
pub(super) fn merge(rings: Vec<(Vec<UserId>, Vec<i64>)>) -> Vec<Group> {
    let mut by_members: BTreeMap<BTreeSet<UserId>, Group> = BTreeMap::new();
    for (members, seqs) in rings {
        let key: BTreeSet<UserId> = members.iter().copied().collect();
        let group = by_members.entry(key).or_insert_with(|| Group {
            members,
            seqs: BTreeSet::new(),
            rings: 0,
        });
        group.seqs.extend(seqs);
        group.rings += 1;
    }
    let mut sets: Vec<(BTreeSet<UserId>, Group)> = by_members.into_iter().collect();
    sets.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    let mut kept: Vec<(BTreeSet<UserId>, Group)> = Vec::new();
    for (set, group) in sets {
        match kept.iter_mut().find(|(k, _)| set.is_subset(k)) {
            Some((_, larger)) => {
                larger.seqs.extend(group.seqs);
                larger.rings += group.rings;
            }
            None => kept.push((set, group)),
        }
    }
    kept.into_iter().map(|(_, g)| g).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(pairs: &[(i64, i64)]) -> BTreeMap<UserId, BTreeSet<UserId>> {
        let mut g: BTreeMap<UserId, BTreeSet<UserId>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(UserId(*a)).or_default().insert(UserId(*b));
        }
        g
    }

    fn ids(cycle: &[UserId]) -> Vec<i64> {
        cycle.iter().map(|u| u.0).collect()
    }

    #[test]
    fn cycles_of_two_to_max_members_are_found_once_each() {
        let g = graph(&[
            (1, 2),
            (2, 1),
            (2, 3),
            (3, 1),
            (4, 5),
            (5, 6),
            (6, 7),
            (7, 8),
            (8, 4),
        ]);
        let found: Vec<Vec<i64>> = small_cycles(&g, 4).iter().map(|c| ids(c)).collect();
        assert_eq!(
            found,
            vec![vec![1, 2], vec![1, 2, 3]],
            "the 5-ring is too big"
        );
        assert!(small_cycles(&graph(&[(1, 2), (2, 3), (1, 3), (1, 1)]), 4).is_empty());
    }

    #[test]
    fn rings_inside_a_larger_group_merge_into_it() {
        let u = |ids: &[i64]| ids.iter().map(|i| UserId(*i)).collect::<Vec<_>>();
        let groups = merge(vec![
            (u(&[1, 2]), vec![5, 6]),
            (u(&[1, 2, 3]), vec![7, 8, 9]),
            (u(&[2, 1]), vec![10, 11]),
            (u(&[4, 5]), vec![1, 2]),
        ]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].members, u(&[1, 2, 3]));
        assert_eq!(
            groups[0].seqs.iter().copied().collect::<Vec<_>>(),
            vec![5, 6, 7, 8, 9, 10, 11]
        );
        assert_eq!(groups[0].rings, 3);
        assert_eq!(groups[1].members, u(&[4, 5]));
    }
}
