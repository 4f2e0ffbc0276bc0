//! Dependency order over small directed graphs: feature requirements and template parents.
//!
//! Iterative, so hostile input (a chain of a million templates) cannot overflow the stack.

/// Orders nodes `0..n` so that every node comes after the nodes it depends on.
///
/// `deps(i)` lists the nodes `i` depends on; out-of-range entries are ignored. If there are
/// cycles, returns one per edge that closes a cycle (so each cycle once), each as its first
/// nodes in dependency order (the first repeated at the end when the whole cycle is kept) and
/// its length, so that every cycle can be reported at once in bounded space.
///
/// O(n + edges) time; each cycle keeps at most `shown + 1` nodes.
pub(crate) fn dependency_order<'a, F>(
    n: usize,
    shown: usize,
    deps: F,
) -> Result<Vec<usize>, Vec<Cycle>>
where
    F: Fn(usize) -> &'a [usize],
{
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; n];
    // Where an open node sits on the stack, so that closing a cycle is not a search.
    let mut depth = vec![0usize; n];
    let mut order = Vec::with_capacity(n);
    let mut cycles = Vec::new();
    // (node, index of the next dependency to visit)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if mark.get(start) != Some(&Mark::New) {
            continue;
        }
        stack.push((start, 0));
        if let Some(d) = depth.get_mut(start) {
            *d = 0;
        }
        if let Some(m) = mark.get_mut(start) {
            *m = Mark::Open;
        }
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            match deps(node).get(next) {
                Some(&dep) => {
                    top.1 = next.saturating_add(1);
                    match mark.get(dep) {
                        Some(Mark::New) => {
                            if let Some(m) = mark.get_mut(dep) {
                                *m = Mark::Open;
                            }
                            if let Some(d) = depth.get_mut(dep) {
                                *d = stack.len();
                            }
                            stack.push((dep, 0));
                        }
                        Some(Mark::Open) => {
                            let from = depth.get(dep).copied().unwrap_or(0);
                            let length = stack.len().saturating_sub(from);
                            let mut nodes: Vec<usize> = stack
                                .iter()
                                .skip(from)
                                .take(shown)
                                .map(|(v, _)| *v)
                                .collect();
                            if length < shown {
                                nodes.push(dep);
                            }
                            cycles.push(Cycle { nodes, length });
                        }
                        Some(Mark::Done) | None => {}
                    }
                }
                None => {
                    if let Some(m) = mark.get_mut(node) {
                        *m = Mark::Done;
                    }
                    order.push(node);
                    stack.pop();
                }
            }
        }
    }
    if cycles.is_empty() {
        Ok(order)
    } else {
        Err(cycles)
    }
}

/// A cycle found by [`dependency_order`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cycle {
    /// The first nodes of the cycle, in dependency order; the first node is repeated at the
    /// end when the whole cycle fits.
    pub(crate) nodes: Vec<usize>,
    /// How many nodes the cycle has.
    pub(crate) length: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_dependencies_first() {
        let deps: Vec<Vec<usize>> = vec![vec![1], vec![2], vec![], vec![0, 2]];
        let order = dependency_order(4, 8, |i| &deps[i]).unwrap();
        let pos = |v| order.iter().position(|x| *x == v).unwrap();
        assert!(pos(2) < pos(1) && pos(1) < pos(0) && pos(0) < pos(3));
    }

    #[test]
    fn finds_a_cycle() {
        let deps: Vec<Vec<usize>> = vec![vec![1], vec![2], vec![0], vec![]];
        let cycle = |nodes: Vec<usize>, length| Cycle { nodes, length };
        assert_eq!(
            dependency_order(4, 8, |i| &deps[i]),
            Err(vec![cycle(vec![0, 1, 2, 0], 3)])
        );
        let selfloop: Vec<Vec<usize>> = vec![vec![0]];
        assert_eq!(
            dependency_order(1, 8, |i| &selfloop[i]),
            Err(vec![cycle(vec![0, 0], 1)])
        );
        let two: Vec<Vec<usize>> = vec![vec![1], vec![0], vec![3], vec![2]];
        assert_eq!(
            dependency_order(4, 8, |i| &two[i]),
            Err(vec![cycle(vec![0, 1, 0], 2), cycle(vec![2, 3, 2], 2)])
        );
        // A long cycle keeps its first nodes only.
        assert_eq!(
            dependency_order(4, 2, |i| &deps[i]),
            Err(vec![cycle(vec![0, 1], 3)])
        );
    }

    #[test]
    fn long_chains_do_not_recurse() {
        let n = 200_000;
        let deps: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        assert_eq!(dependency_order(n, 8, |i| &deps[i]).unwrap().len(), n);
    }
}

#[cfg(test)]
mod many_cycles {
    use super::*;

    /// Every node of a long chain points back to the start: one cycle per back edge, each kept
    /// in constant space, found in linear time.
    #[test]
    fn many_back_edges_stay_linear() {
        let n = 100_000;
        let deps: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1, 0] } else { vec![0] })
            .collect();
        let cycles = dependency_order(n, 8, |i| &deps[i]).unwrap_err();
        // Each node's edge back to node 0 closes one cycle (node 0's own is a self-loop).
        assert_eq!(cycles.len(), n);
        assert!(cycles.iter().all(|c| c.nodes.len() <= 9));
        assert_eq!(cycles.first().map(|c| c.length), Some(n));
    }
}
