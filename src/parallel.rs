//! Work shared between the machine's cores without changing any answer: items are
//! handed out in chunks from a shared counter, and the results come back in item
//! order, exactly as one thread would have produced them; two independent stages run
//! at once with [`beside`].

use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads for the CPU-bound stages. The machines orgc is measured on have two
/// cores; more threads than cores only add switching.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// `other` on a thread of its own while `here` runs on this one, when the machine has
/// more than one core (else one after the other); both results. For independent
/// stages, each of which runs on one core.
///
/// A panic in `other` is passed on as if it had happened on this thread.
pub fn beside<A, B>(other: impl FnOnce() -> A + Send, here: impl FnOnce() -> B) -> (A, B)
where
    A: Send,
{
    if workers() < 2 {
        // `here` first, as it would start first with threads (its timings then
        // stay its own).
        let b = here();
        return (other(), b);
    }
    std::thread::scope(|s| {
        let handle = s.spawn(other);
        let b = here();
        match handle.join() {
            Ok(a) => (a, b),
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

/// `f` over `items` in chunks of `chunk`, on [`workers`] threads when there is more
/// than one chunk; the results of all chunks, concatenated in item order.
///
/// A panic in a worker is passed on as if it had happened on this thread.
pub fn map_chunks<T, R, F>(items: &[T], chunk: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> Vec<R> + Sync,
{
    map_chunks_with(items, chunk, || (), |(), part| f(part))
}

/// [`map_chunks`] where each thread keeps state from one chunk to the next (caches),
/// made by `init` when the thread starts. The state must not change any result: which
/// thread takes which chunk depends on timing.
pub fn map_chunks_with<T, S, R, I, F>(items: &[T], chunk: usize, init: I, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &[T]) -> Vec<R> + Sync,
{
    map_chunks_on(workers(), items, chunk, init, f)
}

/// [`map_chunks_with`] on up to `threads` threads, for work that waits on the disk
/// rather than the cores (writing and syncing files).
pub fn map_chunks_on<T, S, R, I, F>(
    threads: usize,
    items: &[T],
    chunk: usize,
    init: I,
    f: F,
) -> Vec<R>
where
    T: Sync,
    R: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &[T]) -> Vec<R> + Sync,
{
    let chunk = chunk.max(1);
    let chunks = items.len().div_ceil(chunk);
    let workers = threads.min(chunks);
    if workers <= 1 {
        return f(&mut init(), items);
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut state = init();
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let start = i.saturating_mul(chunk);
            let Some(part) = items.get(start..items.len().min(start.saturating_add(chunk))) else {
                break;
            };
            if part.is_empty() {
                break;
            }
            done.push((i, f(&mut state, part)));
        }
        done
    };
    let mut parts: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let others: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut parts = work();
        for other in others {
            match other.join() {
                Ok(p) => parts.extend(p),
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        parts
    });
    parts.sort_unstable_by_key(|(i, _)| *i);
    parts.into_iter().flat_map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beside_returns_both_results() {
        let items: Vec<u64> = (0..1_000).collect();
        let (a, b) = beside(|| items.iter().sum::<u64>(), || items.len());
        assert_eq!((a, b), (499_500, 1_000));
    }

    #[test]
    fn results_come_back_in_item_order() {
        let items: Vec<u32> = (0..10_007).collect();
        for chunk in [1, 7, 64, 10_007, 20_000] {
            let out = map_chunks(&items, chunk, |part| part.iter().map(|x| x * 2).collect());
            let expected: Vec<u32> = items.iter().map(|x| x * 2).collect();
            assert_eq!(out, expected, "chunk {chunk}");
        }
    }

    #[test]
    fn a_chunk_may_give_any_number_of_results() {
        let items: Vec<usize> = (0..1_000).collect();
        let out = map_chunks(&items, 10, |part| {
            part.iter()
                .flat_map(|&x| std::iter::repeat_n(x, x % 3))
                .collect()
        });
        let expected: Vec<usize> = items
            .iter()
            .flat_map(|&x| std::iter::repeat_n(x, x % 3))
            .collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn each_thread_makes_its_state_once_and_keeps_it() {
        let made = AtomicUsize::new(0);
        let items: Vec<usize> = (0..500).collect();
        let out = map_chunks_with(
            &items,
            3,
            || {
                made.fetch_add(1, Ordering::Relaxed);
                Vec::<usize>::new()
            },
            |seen, part| {
                seen.extend(part);
                part.iter().map(|x| x + 1).collect()
            },
        );
        assert_eq!(out, (1..501).collect::<Vec<_>>());
        let made = made.into_inner();
        assert!((1..=workers()).contains(&made), "{made} states made");
    }

    #[test]
    fn no_items_give_no_results() {
        let out: Vec<u8> = map_chunks(&[] as &[u8], 4, |p| p.to_vec());
        assert!(out.is_empty());
    }
}
