//! Password hashing and checking, off the async workers: argon2id takes tens of milliseconds of a
//! core and 19 MiB, so a page view must not wait behind it. At most `AT_ONCE` run at a time, each on
//! a blocking thread with one of the process's reused working memories; more wait their turn.

#[cfg(feature = "publish")]
use crate::domain::Password;
use crate::domain::{HashMemory, ShareLock};
use std::sync::{LazyLock, Mutex};
use tokio::sync::Semaphore;

/// Hashes at once: two cores' worth, and 2 × 19 MiB of memory, kept for the process's life.
const AT_ONCE: usize = 2;

struct PasswordWork {
    turns: Semaphore,
    /// Memories not in use: at most `AT_ONCE`, each made on first need.
    memories: Mutex<Vec<HashMemory>>,
}

static WORK: LazyLock<PasswordWork> =
    LazyLock::new(|| PasswordWork { turns: Semaphore::new(AT_ONCE), memories: Mutex::new(Vec::new()) });

/// Runs `hash` with a working memory, on a blocking thread, when its turn comes.
async fn in_turn<T: Send + 'static>(hash: impl FnOnce(&mut HashMemory) -> T + Send + 'static) -> T {
    let _turn = WORK.turns.acquire().await.expect("the semaphore is never closed");
    let mut memory = WORK.memories.lock().expect("memories").pop().unwrap_or_default();
    let (result, memory) = tokio::task::spawn_blocking(move || {
        let result = hash(&mut memory);
        (result, memory)
    })
    .await
    .expect("hashing does not panic");
    WORK.memories.lock().expect("memories").push(memory);
    result
}

/// A new lock for `password` (a publish or a password change).
#[cfg(feature = "publish")]
pub async fn lock_with(password: Password) -> ShareLock {
    in_turn(move |memory| ShareLock::new_in(&password, memory)).await
}

/// Whether `attempt` opens `lock`.
pub async fn opens(lock: &ShareLock, attempt: &str) -> bool {
    let (lock, attempt) = (lock.clone(), attempt.to_owned());
    in_turn(move |memory| lock.verify_in(&attempt, memory)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::Password;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_checks_at_once_share_two_memories() {
        let lock = lock_with(Password::parse("correct horse".into()).unwrap()).await;
        let checks = (0..8).map(|n| {
            let lock = lock.clone();
            tokio::spawn(async move { opens(&lock, if n % 2 == 0 { "correct horse" } else { "wrong horse" }).await })
        });
        let answers: Vec<bool> = futures_util::future::join_all(checks).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(answers, [true, false, true, false, true, false, true, false]);
        assert!(WORK.memories.lock().unwrap().len() <= AT_ONCE, "never more memories than turns");
    }
}
