//! Dependency order over small directed graphs: feature requirements and template parents.
//!
//! Iterative, so hostile input (a chain of a million templates) cannot overflow the stack.

/// Orders nodes `0..n` so that every node comes after the nodes it depends on.
///
/// `deps(i)` lists the nodes `i` depends on; out-of-range entries are ignored. If there are
/// cycles, returns one per edge that closes a cycle, each as its nodes in dependency order with
/// the first repeated at the end, so that every cycle can be reported at once.
pub(crate) fn dependency_order<'a, F>(n: usize, deps: F) -> Result<Vec<usize>, Vec<Vec<usize>>>
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
    let mut order = Vec::with_capacity(n);
    let mut cycles = Vec::new();
    // (node, index of the next dependency to visit)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if mark.get(start) != Some(&Mark::New) {
            continue;
        }
        stack.push((start, 0));
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
                            stack.push((dep, 0));
                        }
                        Some(Mark::Open) => {
                            let from = stack.iter().position(|(v, _)| *v == dep).unwrap_or(0);
                            let mut cycle: Vec<usize> =
                                stack.iter().skip(from).map(|(v, _)| *v).collect();
                            cycle.push(dep);
                            cycles.push(cycle);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_dependencies_first() {
        let deps: Vec<Vec<usize>> = vec![vec![1], vec![2], vec![], vec![0, 2]];
        let order = dependency_order(4, |i| &deps[i]).unwrap();
        let pos = |v| order.iter().position(|x| *x == v).unwrap();
        assert!(pos(2) < pos(1) && pos(1) < pos(0) && pos(0) < pos(3));
    }

    #[test]
    fn finds_a_cycle() {
        let deps: Vec<Vec<usize>> = vec![vec![1], vec![2], vec![0], vec![]];
        assert_eq!(
            dependency_order(4, |i| &deps[i]),
            Err(vec![vec![0, 1, 2, 0]])
        );
        let selfloop: Vec<Vec<usize>> = vec![vec![0]];
        assert_eq!(dependency_order(1, |i| &selfloop[i]), Err(vec![vec![0, 0]]));
        let two: Vec<Vec<usize>> = vec![vec![1], vec![0], vec![3], vec![2]];
        assert_eq!(
            dependency_order(4, |i| &two[i]),
            Err(vec![vec![0, 1, 0], vec![2, 3, 2]])
        );
    }

    #[test]
    fn long_chains_do_not_recurse() {
        let n = 200_000;
        let deps: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        assert_eq!(dependency_order(n, |i| &deps[i]).unwrap().len(), n);
    }
}
