//! How a server's background jobs live and end (issue 17, graceful shutdown).
//!
//! While the server runs, [`tend_imports`] keeps the store's record of running imports true:
//! it beats this server's own runs and marks `interrupted` the runs of holders gone quiet (a
//! stopped or crashed server, perhaps another one sharing the database), removing the files
//! their web jobs left in this server's jobs directory. At its first round it also removes the
//! import files no running import owns: the previous process's uploads and rejects files, which
//! no page can reach any more.
//!
//! When the server stops, [`drain`] gives running imports and screenings the grace period to
//! end, then cancels the imports still running (each rolls its transaction back and records
//! itself interrupted), marks whatever this server still holds interrupted, and removes the
//! partial files of screenings that did not end.

use std::path::Path;
use std::time::{Duration, Instant};

use vigie_store::InterruptedRun;

use crate::AppState;

/// How long a stopping server waits for imports and screenings by default.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How long cancelled imports get to roll back and record themselves.
const CANCEL_WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// The files of import job `id` in `dir`: its upload and its rejects file.
fn import_files(dir: &Path, id: &str) -> [std::path::PathBuf; 2] {
    [
        dir.join(format!("import-{id}.upload")),
        dir.join(format!("import-{id}.rejects.csv")),
    ]
}

/// The job id of an import file's name, if it is one.
fn import_job_of(file_name: &str) -> Option<&str> {
    let rest = file_name.strip_prefix("import-")?;
    rest.strip_suffix(".upload")
        .or_else(|| rest.strip_suffix(".rejects.csv"))
}

fn remove_files_of(dir: &Path, runs: &[InterruptedRun]) {
    for job in runs.iter().filter_map(|r| r.job.as_deref()) {
        for path in import_files(dir, job) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Removes the import files of `dir` that neither a job of this server nor a running import
/// (of any server sharing the directory) owns. How many.
async fn sweep_import_files(state: &AppState) -> vigie_store::Result<usize> {
    let running = state.store().running_import_jobs().await?;
    let dir = state.inner.screenings.jobs_dir().to_owned();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(0);
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(job) = name.to_str().and_then(import_job_of) else {
            continue;
        };
        if !state.imports().knows(job)
            && !running.iter().any(|r| r == job)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

/// One round of care for the running imports (see the module's text); the runs it marked.
pub(crate) async fn tend_once(state: &AppState) -> vigie_store::Result<Vec<InterruptedRun>> {
    let marked = state
        .store()
        .tend_import_runs(&state.imports().holder)
        .await?;
    for run in &marked {
        tracing::warn!(
            org = run.org,
            run = run.id,
            "import run interrupted: its holder stopped"
        );
    }
    remove_files_of(state.inner.screenings.jobs_dir(), &marked);
    Ok(marked)
}

/// Tends the running imports every `vigie_store::IMPORT_HEARTBEAT` while the server runs; the
/// first round also sweeps the import files left by an earlier process.
pub(crate) async fn tend_imports(state: AppState) {
    let mut every = tokio::time::interval(vigie_store::IMPORT_HEARTBEAT);
    let mut first = true;
    loop {
        every.tick().await;
        if let Err(e) = tend_once(&state).await {
            tracing::error!(error = %e, "cannot tend the running imports");
            continue;
        }
        if std::mem::take(&mut first) {
            match sweep_import_files(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(files = n, "removed the files of past imports"),
                Err(e) => tracing::error!(error = %e, "cannot sweep the import files"),
            }
        }
    }
}

fn busy(state: &AppState) -> bool {
    state.imports().running_count() > 0 || state.inner.screenings.unfinished_count() > 0
}

async fn wait_while(until: Instant, mut pending: impl FnMut() -> bool) {
    while pending() && Instant::now() < until {
        tokio::time::sleep(POLL).await;
    }
}

/// What a stopping server does once it has stopped taking requests (see the module's text).
pub(crate) async fn drain(state: &AppState) {
    if busy(state) {
        tracing::info!(
            imports = state.imports().running_count(),
            screenings = state.inner.screenings.unfinished_count(),
            grace_seconds = state.inner.shutdown_grace.as_secs(),
            "shutting down: waiting for running imports and screenings"
        );
    }
    wait_while(Instant::now() + state.inner.shutdown_grace, || busy(state)).await;
    let imports = state.imports().running_count();
    if imports > 0 {
        tracing::warn!(
            imports,
            "shutting down: rolling back the imports still running"
        );
        state.imports().cancel_all();
        wait_while(Instant::now() + CANCEL_WAIT, || {
            state.imports().running_count() > 0
        })
        .await;
    }
    // An import that did not hear its cancellation in time: its transaction goes with the
    // process, so nothing of it is imported.
    match state
        .store()
        .interrupt_import_runs_of(&state.imports().holder, jiff::Timestamp::now())
        .await
    {
        Ok(marked) => {
            for run in &marked {
                tracing::warn!(
                    org = run.org,
                    run = run.id,
                    "import run interrupted by the stop"
                );
            }
            remove_files_of(state.inner.screenings.jobs_dir(), &marked);
        }
        Err(e) => tracing::error!(error = %e, "cannot mark this server's imports interrupted"),
    }
    let screenings = state.inner.screenings.interrupt_unfinished();
    if screenings > 0 {
        tracing::warn!(screenings, "shutting down: screenings interrupted");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_files_are_told_by_their_names() {
        let dir = Path::new("/jobs");
        for path in import_files(dir, "ab12") {
            let name = path.file_name().unwrap().to_str().unwrap();
            assert_eq!(import_job_of(name), Some("ab12"));
        }
        assert_eq!(import_job_of("screening-ab12.decisions.csv"), None);
        assert_eq!(import_job_of("import-ab12.other"), None);
    }

    async fn server() -> (
        vigie_store::testing::TestStore,
        AppState,
        vigie_store::OrgId,
    ) {
        let t = vigie_store::testing::sqlite_store().await;
        let org = t
            .store
            .require_org(vigie_store::DEFAULT_ORG)
            .await
            .unwrap()
            .id;
        let state = AppState::with_screening(
            t.store.clone(),
            crate::screenings::ScreeningConfig::temporary(),
        )
        .with_shutdown_grace(Duration::ZERO);
        std::fs::create_dir_all(state.inner.screenings.jobs_dir()).unwrap();
        (t, state, org)
    }

    fn started(job: &str) -> vigie_store::StartedImport {
        vigie_store::StartedImport {
            kind: "contacts".into(),
            file_name: Some("clients.csv".into()),
            actor: "user:m@example.org".into(),
            started_at: jiff::Timestamp::now(),
            job: Some(job.into()),
        }
    }

    fn touch_files(state: &AppState, job: &str) -> [std::path::PathBuf; 2] {
        let files = import_files(state.inner.screenings.jobs_dir(), job);
        for f in &files {
            std::fs::write(f, "x").unwrap();
        }
        files
    }

    #[tokio::test]
    async fn a_stop_marks_this_servers_runs_interrupted_and_removes_their_files() {
        let (_t, state, org) = server().await;
        let store = state.store();
        let holder = state.imports().holder.clone();
        let mine = store
            .begin_import_run(org, &started("mine"), &holder)
            .await
            .unwrap();
        // Another live server's run, sharing the database and the directory.
        let theirs = store
            .begin_import_run(org, &started("theirs"), "elsewhere@pid:[1]/1/00")
            .await
            .unwrap();
        let my_files = touch_files(&state, "mine");
        let their_files = touch_files(&state, "theirs");
        drain(&state).await;
        let runs = store.import_runs(org, 10).await.unwrap();
        let outcome = |id: i64| {
            runs.iter()
                .find(|r| r.id == id)
                .unwrap()
                .run
                .outcome
                .clone()
        };
        assert_eq!(outcome(mine), vigie_store::INTERRUPTED);
        assert_eq!(outcome(theirs), "running");
        assert!(my_files.iter().all(|f| !f.exists()));
        assert!(their_files.iter().all(|f| f.exists()));
    }

    #[tokio::test]
    async fn the_first_round_sweeps_the_files_no_running_import_owns() {
        let (_t, state, org) = server().await;
        state
            .store()
            .begin_import_run(org, &started("live"), "elsewhere@pid:[1]/1/00")
            .await
            .unwrap();
        let left = touch_files(&state, "left-by-a-stopped-server");
        let live = touch_files(&state, "live");
        let other = state
            .inner
            .screenings
            .jobs_dir()
            .join("screening-x.decisions.csv");
        std::fs::write(&other, "x").unwrap();
        assert_eq!(sweep_import_files(&state).await.unwrap(), 2);
        assert!(left.iter().all(|f| !f.exists()));
        assert!(live.iter().all(|f| f.exists()));
        assert!(
            other.exists(),
            "screening files are not the imports' to sweep"
        );
    }

    #[tokio::test]
    async fn an_upload_being_received_is_not_swept() {
        let (_t, state, _org) = server().await;
        // Its file is written before its job is registered: the sweep may come in between.
        let receiving = state.imports().receiving("arriving");
        let files = touch_files(&state, "arriving");
        assert_eq!(sweep_import_files(&state).await.unwrap(), 0);
        assert!(files.iter().all(|f| f.exists()));
        drop(receiving);
        assert_eq!(sweep_import_files(&state).await.unwrap(), 2);
    }
}
