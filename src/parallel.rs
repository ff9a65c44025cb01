//! Work shared between the machine's cores without changing any answer: items are
//! handed out in chunks from a shared counter, and the results come back in item
//! order, exactly as one thread would have produced them; two independent stages run
//! at once with [`beside`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

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

/// `make(i)` for every `i` in `0..n`, made on `threads` threads of their own and handed
/// to `take` on this thread in the order of `i`, each as soon as it and every one
/// before it are made; at most `ahead` results wait at once, so a long series of
/// large results (the pieces of one file) is never all in memory. After an error of
/// `take`, nothing more is made and the error is returned.
///
/// A panic in a maker is passed on as if it had happened on this thread.
pub fn in_order<R, M, T, E>(
    n: usize,
    threads: usize,
    ahead: usize,
    make: M,
    mut take: T,
) -> Result<(), E>
where
    R: Send,
    M: Fn(usize) -> R + Sync,
    T: FnMut(R) -> Result<(), E>,
{
    if threads <= 1 || n <= 1 {
        return (0..n).try_for_each(|i| take(make(i)));
    }
    let ahead = ahead.max(1);
    let line = Line {
        state: Mutex::new(LineState {
            claimed: 0,
            taken: 0,
            made: BTreeMap::new(),
            stopped: false,
        }),
        changed: Condvar::new(),
    };
    std::thread::scope(|scope| {
        let makers: Vec<_> = (0..threads.min(n))
            .map(|_| {
                scope.spawn(|| {
                    // Wakes the taker if this maker panics, so it does not wait for a
                    // result that will never come.
                    let _stop_on_panic = StopOnDrop(&line);
                    while let Some(i) = line.claim(n, ahead) {
                        let r = make(i);
                        line.put(i, r);
                    }
                })
            })
            .collect();
        // Stops the makers if `take` panics: a maker waiting for room would
        // otherwise wait for ever, and the scope with it.
        let _stop_on_panic = StopOnDrop(&line);
        let mut result = Ok(());
        for i in 0..n {
            let Some(r) = line.wait_for(i) else { break };
            if let Err(e) = take(r) {
                result = Err(e);
                break;
            }
        }
        line.stop();
        for maker in makers {
            if let Err(payload) = maker.join() {
                std::panic::resume_unwind(payload);
            }
        }
        result
    })
}

/// The state [`in_order`]'s threads share.
struct Line<R> {
    state: Mutex<LineState<R>>,
    changed: Condvar,
}

struct LineState<R> {
    /// Results claimed by a maker so far (`0..claimed`).
    claimed: usize,
    /// Results handed to the taker so far.
    taken: usize,
    /// Results made and not yet taken, by index.
    made: BTreeMap<usize, R>,
    /// No more results are wanted (the taker stopped or a maker panicked).
    stopped: bool,
}

impl<R> Line<R> {
    fn lock(&self) -> MutexGuard<'_, LineState<R>> {
        // A panicking thread holds no lock while it runs user code, so a poisoned
        // lock still guards consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next index to make, once it is within `ahead` of the taker; `None` when
    /// all are claimed or the line stopped.
    fn claim(&self, n: usize, ahead: usize) -> Option<usize> {
        let mut s = self.lock();
        loop {
            if s.stopped || s.claimed >= n {
                return None;
            }
            if s.claimed < s.taken + ahead {
                s.claimed += 1;
                return Some(s.claimed - 1);
            }
            s = self.changed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn put(&self, i: usize, r: R) {
        self.lock().made.insert(i, r);
        self.changed.notify_all();
    }

    /// Result `i`, once made; `None` if the line stopped first.
    fn wait_for(&self, i: usize) -> Option<R> {
        let mut s = self.lock();
        loop {
            if let Some(r) = s.made.remove(&i) {
                s.taken = i + 1;
                drop(s);
                self.changed.notify_all();
                return Some(r);
            }
            if s.stopped {
                return None;
            }
            s = self.changed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }
}

/// Stops a [`Line`] when dropped while its thread panics.
struct StopOnDrop<'l, R>(&'l Line<R>);

impl<R> Drop for StopOnDrop<'_, R> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
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
    fn in_order_hands_results_over_in_order() {
        for (n, threads, ahead) in [
            (0, 2, 4),
            (1, 2, 4),
            (100, 1, 4),
            (1_000, 2, 1),
            (1_000, 3, 8),
        ] {
            let mut seen = Vec::new();
            let done: Result<(), ()> = in_order(
                n,
                threads,
                ahead,
                |i| i * 3,
                |r| {
                    seen.push(r);
                    Ok(())
                },
            );
            assert_eq!(done, Ok(()));
            assert_eq!(
                seen,
                (0..n).map(|i| i * 3).collect::<Vec<_>>(),
                "{n} {threads} {ahead}"
            );
        }
    }

    #[test]
    fn in_order_stops_at_the_first_error_and_makes_little_beyond_it() {
        let made = AtomicUsize::new(0);
        let mut taken = 0;
        let done = in_order(
            10_000,
            2,
            4,
            |i| {
                made.fetch_add(1, Ordering::Relaxed);
                i
            },
            |i| {
                taken += 1;
                if i == 10 { Err(i) } else { Ok(()) }
            },
        );
        assert_eq!(done, Err(10));
        assert_eq!(taken, 11);
        // Those taken, and at most `ahead` beyond the last one taken.
        assert!(made.into_inner() <= 11 + 4);
    }

    #[test]
    fn in_order_passes_a_takers_panic_on_without_waiting() {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let caught = std::panic::catch_unwind(|| {
                let _: Result<(), ()> = in_order(
                    100,
                    2,
                    4,
                    |i| i,
                    |i| {
                        assert!(i != 0, "taker failed at 0");
                        Ok(())
                    },
                );
            });
            let _ = done.send(caught.is_err());
        });
        let panicked = finished
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("in_order still waiting after 20 s");
        assert!(panicked);
    }

    #[test]
    fn in_order_passes_a_makers_panic_on() {
        let caught = std::panic::catch_unwind(|| {
            let _: Result<(), ()> = in_order(
                100,
                2,
                4,
                |i| {
                    assert!(i != 50, "maker failed at 50");
                    i
                },
                |_| Ok(()),
            );
        });
        assert!(caught.is_err());
    }

    #[test]
    fn no_items_give_no_results() {
        let out: Vec<u8> = map_chunks(&[] as &[u8], 4, |p| p.to_vec());
        assert!(out.is_empty());
    }
}
