using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerlessDocker.Gateway.Cgi;
using ServerlessDocker.Gateway.Configuration;
using ServerlessDocker.Gateway.Functions;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// The cron trigger: a loop that wakes at the next due slot (sleeps capped at <see cref="MaxSleep"/>, re-reading the
/// clock each time), plans each job with <see cref="JobPlanner"/> and runs the slots to start through the one invocation
/// pipeline (<see cref="FunctionInvoker"/>), each under its deterministic run name, which is the slot's claim on the engine.
/// </summary>
internal sealed class JobScheduler(
    IGatewayConfigSource config,
    FunctionInvoker invoker,
    JobStore store,
    JobClaims claims,
    JobMetrics metrics,
    DockerFunctions docker,
    JobWebhooks webhooks,
    TimeProvider time,
    ILogger<JobScheduler> logger) : BackgroundService
{
    /// <summary>The longest sleep: a clock stepped back or forward, or an edited config, is noticed within it.</summary>
    public static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(30);

    /// <summary>The end of a run's stdout kept in its history entry.</summary>
    public const int OutputTailBytes = 64 * 1024;

    private readonly Dictionary<string, JobState> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<JobState>> _loading = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private int _wakePending;
    private readonly CancellationTokenSource _runsCts = new();
    private readonly List<Task> _runs = [];

    /// <summary>The runs still going, by job (for the admin API and tests).</summary>
    public IReadOnlyList<(string Job, DateTimeOffset Slot, string RunId)> ActiveRuns()
    {
        lock (_jobs)
        {
            return _jobs.SelectMany(j => j.Value.Active.Select(a => (j.Key, a.Slot, a.RunId))).ToList();
        }
    }

    /// <summary>Whether the job is suspended now (an admin's suspend or resume wins over the config).</summary>
    public bool IsSuspended(JobDefinition job)
    {
        lock (_jobs)
        {
            return _jobs.TryGetValue(job.Name, out var state) && state.Suspended is { } s ? s : job.Suspend;
        }
    }

    /// <summary>Suspends (true) or resumes (false) a job until the next admin change; persisted in the store.</summary>
    public async Task SetSuspendedAsync(JobDefinition job, bool suspended, CancellationToken cancellationToken)
    {
        var state = await GetStateAsync(job, time.GetUtcNow(), new EngineRuns(docker), cancellationToken).ConfigureAwait(false);
        state.Suspended = suspended;
        await store.SaveSuspendedAsync(job.Name, suspended, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Job {Job} {Action} by the admin API", job.Name, suspended ? "suspended" : "resumed");
        Wake();
    }

    /// <summary>
    /// Starts a run now, outside the schedule (its slot is the current second, its run name ends in <c>-m</c>); null
    /// when <c>concurrency: forbid</c> and a run is going.
    /// </summary>
    public async Task<DateTimeOffset?> RunNowAsync(JobDefinition job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = await GetStateAsync(job, now, new EngineRuns(docker), cancellationToken).ConfigureAwait(false);
        lock (_jobs)
        {
            if (job.Concurrency == JobConcurrency.Forbid && state.Active.Count > 0)
            {
                return null;
            }
        }

        var slot = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Launch(job, state, slot, first: null, manual: true);
        return slot;
    }

    /// <summary>Wakes the loop (a run ended, a job was changed); wakes before the loop looks again count as one.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            _wake.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop scheduling first, then give running runs the host's shutdown grace, then stop them (recorded as cancelled).
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Task[] runs;
        lock (_runs)
        {
            runs = [.. _runs];
        }

        try
        {
            await Task.WhenAll(runs).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stopping: {Count} job run(s) still running after the grace period are stopped", runs.Count(r => !r.IsCompleted));
        }

        await _runsCts.CancelAsync().ConfigureAwait(false);
        try
        {
            // Each stopped run records itself as cancelled; this bounds the wait for those records.
            await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30), time, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Stopping: job run(s) did not record their end within 30 s");
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
        _runsCts.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? next = null;

            // This tick sees whatever the wakes so far announced; a wake from here on wakes the next sleep.
            Volatile.Write(ref _wakePending, 0);
            try
            {
                // All jobs at once: their store writes are committed together and the engine is listed once per tick,
                // so a thousand jobs due at one second start within milliseconds of it rather than one after another.
                var now = time.GetUtcNow();
                var engine = new EngineRuns(docker);
                var ticks = config.Current.Jobs.Values.Select(job => TickAsync(job, now, engine, stoppingToken)).ToList();
                foreach (var due in await Task.WhenAll(ticks).ConfigureAwait(false))
                {
                    if (due is { } d && (next is null || d < next))
                    {
                        next = d;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Job scheduler tick failed; retrying");
                next = time.GetUtcNow() + TimeSpan.FromSeconds(1);
            }

            var delay = next is { } n ? n - time.GetUtcNow() : MaxSleep;
            await SleepAsync(delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxSleep ? MaxSleep : delay, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task SleepAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        if (delay == TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(delay, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
        try
        {
            await _wake.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The sleep ended.
        }
    }

    private async Task<DateTimeOffset?> TickAsync(JobDefinition job, DateTimeOffset now, EngineRuns engine, CancellationToken cancellationToken)
    {
        var state = await GetStateAsync(job, now, engine, cancellationToken).ConfigureAwait(false);
        List<ActiveRun> active;
        lock (_jobs)
        {
            active = state.Active.Select(a => new ActiveRun(a.Slot, a.RunId)).ToList();
        }

        var plan = JobPlanner.Plan(job with { Suspend = state.Suspended ?? job.Suspend }, state.Watermark, now, active);
        if (job.Concurrency == JobConcurrency.Forbid && plan.Start.Count > 0 && active.Count == 0
            && await AdoptAsync(job, state, engine, cancellationToken, runningOnly: true).ConfigureAwait(false) > 0)
        {
            // Another live scheduler's run of this job is going on the engine: forbid waits for it as for one of ours.
            lock (_jobs)
            {
                active = state.Active.Select(a => new ActiveRun(a.Slot, a.RunId)).ToList();
            }

            plan = JobPlanner.Plan(job with { Suspend = state.Suspended ?? job.Suspend }, state.Watermark, now, active);
        }
        var writes = new List<Task>();
        foreach (var dropped in plan.Dropped)
        {
            writes.Add(store.SaveRunAsync(DroppedRecord(job, dropped), now, cancellationToken));
            metrics.Dropped(job.Name, dropped.Status, dropped.Count);
            logger.LogInformation("Job {Job}: {Count}{AtLeast} slot(s) {First:O}..{Last:O} {Status}: {Reason}",
                job.Name, dropped.Count, dropped.AtLeast ? "+" : "", dropped.First, dropped.Last, JobStore.StatusText(dropped.Status), dropped.Reason);
        }

        foreach (var replaced in plan.Replace)
        {
            RunHandle? handle;
            lock (_jobs)
            {
                handle = state.Active.FirstOrDefault(a => a.Slot == replaced.Slot);
            }

            if (handle is { Replaced: false })
            {
                logger.LogInformation("Job {Job}: replacing the run of slot {Slot:O} ({RunId})", job.Name, handle.Slot, handle.RunId);
                handle.Replaced = true;
                await handle.Cancel.CancelAsync().ConfigureAwait(false);
            }
        }

        if (plan.Watermark != state.Watermark)
        {
            state.Watermark = plan.Watermark;
            writes.Add(store.SaveStateAsync(job.Name, state.Watermark, state.Fingerprint, cancellationToken));
        }

        if (plan.Dropped.Count > 0)
        {
            writes.Add(store.PruneAsync(job.Name, job.History, now, cancellationToken));
        }

        // The runs' first records go with the watermark, in the tick's one commit, before the runs start: a crash in
        // between loses a slot rather than running it twice, and a run never starts unrecorded.
        var starts = plan.Start.Select(slot => NewRunRecord(job, slot, attempt: 1, manual: false)).ToList();
        writes.AddRange(starts.Select(record => store.SaveRunAsync(record, now, cancellationToken)));
        await Task.WhenAll(writes).ConfigureAwait(false);
        foreach (var record in starts)
        {
            Launch(job, state, record.Slot, record);
        }

        // A waiting slot starts when the blocking run ends (which wakes the loop); the misfire rules are checked again
        // within the threshold so a slot that expires while it waits is recorded promptly.
        return plan.Waiting.Count > 0 ? Min(plan.NextDue, now + JobPlanner.MisfireThreshold) : plan.NextDue;
    }

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    private async Task<JobState> GetStateAsync(JobDefinition job, DateTimeOffset now, EngineRuns engine, CancellationToken cancellationToken)
    {
        // A job's state is loaded, and its runs adopted, once, whoever asks first (the loop or the admin API); other
        // jobs load beside it. A load that failed is tried again by the next caller.
        Task<JobState> load;
        lock (_jobs)
        {
            if (!_loading.TryGetValue(job.Name, out load!) || load.IsFaulted || load.IsCanceled)
            {
                _loading[job.Name] = load = LoadStateAsync(job, now, engine, cancellationToken);
            }
        }

        var state = await load.ConfigureAwait(false);
        bool changed;
        lock (state)
        {
            changed = state.Fingerprint != job.Schedule.Fingerprint;
            if (changed)
            {
                // The schedule was edited: the old schedule's slots (missed or not) are not run under the new one.
                state.Watermark = now;
                state.Fingerprint = job.Schedule.Fingerprint;
            }
        }

        if (changed)
        {
            logger.LogInformation("Job {Job}: schedule changed to '{Schedule}'; slots are computed from now", job.Name, job.Schedule.Text);
            await store.SaveStateAsync(job.Name, now, job.Schedule.Fingerprint, cancellationToken).ConfigureAwait(false);
        }

        return state;
    }

    private async Task<JobState> LoadStateAsync(JobDefinition job, DateTimeOffset now, EngineRuns engine, CancellationToken cancellationToken)
    {
        // Off the caller's stack, so that the loop's ticks of many jobs load side by side.
        await Task.Yield();
        var (watermark, fingerprint, suspended) = await store.GetStateAsync(job.Name, cancellationToken).ConfigureAwait(false);
        var state = new JobState(JobPlanner.StartingWatermark(job, watermark, fingerprint, now), job.Schedule.Fingerprint) { Suspended = suspended };
        await store.SaveStateAsync(job.Name, state.Watermark, state.Fingerprint, cancellationToken).ConfigureAwait(false);
        lock (_jobs)
        {
            _jobs[job.Name] = state;
        }

        await AdoptAsync(job, state, engine, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// Finds the job's runs still going on the engine (a scheduler killed mid-run left them) by label, counts them as
    /// active (forbid waits for them, replace stops them), waits for them within the job's timeout and, for runs of this
    /// store, records how they ended (also for those that ended while no scheduler watched).
    /// </summary>
    /// <returns>How many running runs were adopted.</returns>
    private async Task<int> AdoptAsync(JobDefinition job, JobState state, EngineRuns engine, CancellationToken cancellationToken, bool runningOnly = false)
    {
        if (job.Target.Backend != BackendKind.Local)
        {
            return 0;
        }

        IReadOnlyList<FunctionContainerInfo> running;
        try
        {
            running = [.. (await engine.ListAsync(cancellationToken).ConfigureAwait(false))
                .Where(c => c.Labels.TryGetValue(JobRunNames.JobLabel, out var j) && j == job.Name)];
        }
        catch (ServerlessDockerException ex)
        {
            logger.LogWarning(ex, "Job {Job}: could not look for runs left by an earlier scheduler", job.Name);
            return 0;
        }

        var adopted = 0;
        foreach (var container in running)
        {
            if (!container.Labels.TryGetValue(JobRunNames.SlotLabel, out var slotText)
                || !DateTimeOffset.TryParse(slotText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var slot))
            {
                continue;
            }

            var runId = container.Labels.GetValueOrDefault(JobRunNames.RunLabel, "");
            if (runningOnly && !container.Running)
            {
                continue;
            }

            lock (_jobs)
            {
                if (runId.Length > 0 && state.Active.Any(a => a.RunId == runId))
                {
                    continue;
                }
            }

            var own = runId.Length > 0 ? await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) : null;

            // An exited container matters only when it is a run of this store that a crash left unrecorded (it ended
            // while no scheduler watched); a running one is active whoever started it.
            if (!container.Running && own is not { Status: JobRunStatus.Cancelled, Reason: JobStore.InterruptedReason })
            {
                continue;
            }

            var handle = new RunHandle(slot.ToUniversalTime(), CancellationTokenSource.CreateLinkedTokenSource(_runsCts.Token), manual: false) { RunId = runId };
            if (container.Running)
            {
                lock (_jobs)
                {
                    state.Active.Add(handle);
                }

                adopted++;
            }

            logger.LogInformation("Job {Job}: adopted the run of slot {Slot} ({RunId}) still going on the engine", job.Name, slotText, runId);
            Track(Task.Run(() => WaitAdoptedAsync(job, state, handle, container, own), CancellationToken.None));
        }

        return adopted;
    }

    private async Task WaitAdoptedAsync(JobDefinition job, JobState state, RunHandle handle, FunctionContainerInfo container, JobRunRecord? own)
    {
        try
        {
            // Not disposed: that would remove the container, which stays as the slot's claim.
#pragma warning disable CA2000
            var run = await docker.GetRunAsync(container.Id).ConfigureAwait(false);
#pragma warning restore CA2000
            var started = own?.StartedAt ?? container.Created;
            var remaining = !container.Running ? Timeout.InfiniteTimeSpan
                : job.Target.Timeout - (time.GetUtcNow() - started) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
            using var timeout = new CancellationTokenSource(remaining, time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(handle.Cancel.Token, timeout.Token);
            JobRunStatus status;
            long? exitCode = null;
            try
            {
                exitCode = (await run.WaitAsync(wait.Token).ConfigureAwait(false)).ExitCode;
                status = exitCode == 0 ? JobRunStatus.Succeeded : JobRunStatus.Failed;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested || handle.Replaced)
            {
                await run.KillAsync(CancellationToken.None).ConfigureAwait(false);
                status = handle.Replaced ? JobRunStatus.Replaced : JobRunStatus.TimedOut;
            }
            catch (OperationCanceledException)
            {
                // The gateway stops again: the run keeps going and is adopted by the next start.
                return;
            }

            if (own is not null)
            {
                var (stdout, stderr) = await ReadLogsAsync(container.Id).ConfigureAwait(false) ?? (null, null);
                var finished = time.GetUtcNow();
                var adopted = own with
                {
                    Status = status,
                    FinishedAt = finished,
                    ExitCode = exitCode,
                    Reason = $"adopted after a scheduler restart{(status == JobRunStatus.TimedOut ? "; stopped by its timeout" : "")}",
                    StdoutTail = stdout,
                    StderrTail = stderr,
                };
                await store.SaveRunAsync(adopted, finished, CancellationToken.None).ConfigureAwait(false);
                metrics.Finished(job.Name, status, finished - started);
                webhooks.Finished(job, adopted);
            }

            logger.LogInformation("Job {Job}: adopted run of slot {Slot:O} ended: {Status}", job.Name, handle.Slot, JobStore.StatusText(status));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Job {Job}: waiting for the adopted run of slot {Slot:O} failed", job.Name, handle.Slot);
        }
        finally
        {
            lock (_jobs)
            {
                state.Active.Remove(handle);
            }

            handle.Cancel.Dispose();
            Wake();
        }
    }

    private void Track(Task task)
    {
        lock (_runs)
        {
            _runs.RemoveAll(t => t.IsCompleted);
            _runs.Add(task);
        }
    }

    // first: the first attempt's record when the tick saved it already; null to save it when the run starts.
    private void Launch(JobDefinition job, JobState state, DateTimeOffset slot, JobRunRecord? first, bool manual = false)
    {
        var handle = new RunHandle(slot, CancellationTokenSource.CreateLinkedTokenSource(_runsCts.Token), manual) { RunId = first?.Id ?? "" };
        lock (_jobs)
        {
            state.Active.Add(handle);
        }

        Track(Task.Run(() => RunSlotAsync(job, state, handle, first), CancellationToken.None));
    }

    private async Task RunSlotAsync(JobDefinition job, JobState state, RunHandle handle, JobRunRecord? first)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var run = await RunAttemptAsync(job, handle, attempt, attempt == 1 ? first : null).ConfigureAwait(false);
                var status = run.Status;
                if (status is not (JobRunStatus.Failed or JobRunStatus.TimedOut) || handle.Cancel.IsCancellationRequested
                    || job.Retry.DelayAfter(attempt) is not { } delay)
                {
                    webhooks.Finished(job, run);
                    break;
                }

                logger.LogInformation("Job {Job} slot {Slot:O}: attempt {Attempt} {Status}; retrying in {Delay}", job.Name, handle.Slot, attempt, JobStore.StatusText(status), delay);
                await Task.Delay(delay, time, handle.Cancel.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (handle.Cancel.IsCancellationRequested)
        {
            // Stopped between attempts (replaced or shutting down): the last attempt is recorded already.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {Job} slot {Slot:O} failed unexpectedly", job.Name, handle.Slot);
        }
        finally
        {
            lock (_jobs)
            {
                state.Active.Remove(handle);
            }

            handle.Cancel.Dispose();
            Wake();
            await claims.ReleaseOldAsync(job).ConfigureAwait(false);
            await PruneHistoryAsync(job).ConfigureAwait(false);
        }
    }

    private JobRunRecord NewRunRecord(JobDefinition job, DateTimeOffset slot, int attempt, bool manual) => new()
    {
        Id = "r" + Guid.NewGuid().ToString("N")[..16],
        Job = job.Name,
        Slot = slot,
        Attempt = attempt,
        Status = JobRunStatus.Running,
        RunName = JobRunNames.RunName(job.Name, slot, attempt, manual),
        StartedAt = time.GetUtcNow(),
    };

    // saved: the attempt's record when the tick saved it already; null to create and save it here.
    private async Task<JobRunRecord> RunAttemptAsync(JobDefinition job, RunHandle handle, int attempt, JobRunRecord? saved)
    {
        var record = saved;
        if (record is null)
        {
            record = NewRunRecord(job, handle.Slot, attempt, handle.Manual);
            await store.SaveRunAsync(record, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }

        var runId = record.Id;
        var name = record.RunName!;
        handle.RunId = runId;
        var slotText = SlotFormat.Env(handle.Slot);
        var attemptText = attempt.ToString(CultureInfo.InvariantCulture);
        if (attempt == 1)
        {
            metrics.Skew(job.Name, time.GetUtcNow() - handle.Slot);
        }

        var env = new Dictionary<string, string>(job.Target.Environment, StringComparer.Ordinal)
        {
            ["SDOCK_JOB"] = job.Name,
            ["SDOCK_SCHEDULED_TIME"] = slotText,
            ["SDOCK_RUN_ID"] = runId,
            ["SDOCK_ATTEMPT"] = attemptText,
        };
        var labels = new Dictionary<string, string>
        {
            [JobRunNames.JobLabel] = job.Name, [JobRunNames.SlotLabel] = slotText, [JobRunNames.RunLabel] = runId, [JobRunNames.AttemptLabel] = attemptText,
        };
        var fn = job.Target with { Environment = env };
        var request = new CgiRequest { Method = "POST", RawTarget = "/jobs/" + job.Name, Path = "/jobs/" + job.Name };

        // Local runs keep their exited container: the name stays claimed for schedulers that look at the slot later.
        var input = new InvocationInput(runId, request, "", "", null, 0, PassAuthorization: false, InvokeAuthorized: true, name, labels, job.Volumes, KeepContainer: fn.Backend == BackendKind.Local);
        var sink = new TailSink(OutputTailBytes);
        var result = await ClaimOnSwarmAsync(fn, name, labels, handle.Cancel.Token).ConfigureAwait(false)
            ?? await invoker.InvokeAsync(fn, input, sink, InvocationKind.Cron, handle.Cancel.Token).ConfigureAwait(false);
        var status = Classify(result, handle);
        var kept = fn.Backend == BackendKind.Local && status != JobRunStatus.Claimed && result.ContainerId is not null;
        var (stdout, stderr) = (kept ? await ReadLogsAsync(result.ContainerId!).ConfigureAwait(false) : null) ?? (sink.ToString(), result.Stderr);
        var finished = time.GetUtcNow();
        record = record with
        {
            Status = status,
            FinishedAt = finished,
            ExitCode = result.ExitCode,
            Node = result.Node,
            Reason = status switch
            {
                JobRunStatus.Replaced => "stopped to start a newer slot (concurrency: replace)",
                JobRunStatus.Cancelled => "the gateway stopped while it ran; its container was stopped",
                _ => result.Error,
            },
            StdoutTail = stdout,
            StderrTail = stderr,
        };
        await store.SaveRunAsync(record, finished, CancellationToken.None).ConfigureAwait(false);
        metrics.Finished(job.Name, status, result.Duration);
        logger.LogInformation("Job {Job} slot {Slot} attempt {Attempt} ({RunName}): {Status}{Reason}", job.Name, slotText, attempt, name,
            JobStore.StatusText(status), record.Reason is null ? "" : " - " + record.Reason);
        return record;
    }

    /// <summary>
    /// On a Swarm, claims the slot (a config named like the run) before its service exists, since the service is
    /// removed once its run is recorded and must not be the only claim: null to go on and run, else the outcome
    /// that stands for the run (claimed elsewhere, or the claim could not be made).
    /// </summary>
    private async Task<InvocationResult?> ClaimOnSwarmAsync(FunctionDefinition fn, string name, Dictionary<string, string> labels, CancellationToken cancellationToken)
    {
        if (fn.Backend != BackendKind.Swarm)
        {
            return null;
        }

        try
        {
            return await claims.TryClaimOnSwarmAsync(name, labels, cancellationToken).ConfigureAwait(false) ? null
                : new InvocationResult(InvocationOutcome.NameTaken, 409, null, null, $"another scheduler holds the Swarm claim '{name}': the slot runs there", "", TimeSpan.Zero);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new InvocationResult(InvocationOutcome.Disconnected, InvocationResult.ClientClosedRequest, null, null, "stopped before the run started", "", TimeSpan.Zero);
        }
        catch (ServerlessDockerException ex)
        {
            return new InvocationResult(InvocationOutcome.Failed, 502, null, null, "could not claim the slot on the Swarm: " + ex.Message, "", TimeSpan.Zero);
        }
    }

    /// <summary>Applies the job's history policy after a run; never throws (the next run prunes again).</summary>
    private async Task PruneHistoryAsync(JobDefinition job)
    {
        try
        {
            await store.PruneAsync(job.Name, job.History, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Job {Job}: could not prune its history", job.Name);
        }
    }

    /// <summary>
    /// The tails of stdout and stderr from the run's kept container, whatever the outcome (a plain run's stdout reaches
    /// the sink only on success; a replaced or timed-out run's output is kept too); null when they cannot be read.
    /// </summary>
    private async Task<(string?, string?)?> ReadLogsAsync(string id)
    {
        try
        {
            // Not disposed: disposing the handle would remove the container, which stays as the slot's claim.
#pragma warning disable CA2000
            var run = await docker.GetRunAsync(id).ConfigureAwait(false);
#pragma warning restore CA2000
            var stdout = new TailStream(OutputTailBytes);
            var stderr = new TailStream(OutputTailBytes);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10), time);
            await run.CopyLogsToAsync(stdout, stderr, follow: false, limit.Token).ConfigureAwait(false);
            return (stdout.ToString(), stderr.ToString());
        }
        catch (Exception ex) when (ex is ServerlessDockerException or OperationCanceledException or IOException)
        {
            logger.LogDebug(ex, "Could not read the logs of container {Id}", id);
            return null;
        }
    }

    /// <summary>A run's outcome as a history status.</summary>
    internal static JobRunStatus Classify(InvocationResult result, RunHandle handle) => result.Outcome switch
    {
        InvocationOutcome.Completed => JobRunStatus.Succeeded,
        InvocationOutcome.NameTaken => JobRunStatus.Claimed,
        InvocationOutcome.TimedOut => JobRunStatus.TimedOut,
        InvocationOutcome.Busy => JobRunStatus.Skipped,
        InvocationOutcome.Disconnected when handle.Replaced => JobRunStatus.Replaced,
        InvocationOutcome.Disconnected => JobRunStatus.Cancelled,
        _ => JobRunStatus.Failed,
    };

    private static JobRunRecord DroppedRecord(JobDefinition job, DroppedSlots d) => new()
    {
        // Deterministic: the same range recorded twice (a retried tick) is one entry.
        Id = $"{JobStore.StatusText(d.Status)}-{job.Name}-{SlotFormat.Compact(d.First)}-{SlotFormat.Compact(d.Last)}",
        Job = job.Name,
        Slot = d.First,
        SlotTo = d.Last,
        SlotCount = d.Count,
        Status = d.Status,
        Reason = d.AtLeast ? $"{d.Reason} (at least {d.Count} slots)" : d.Reason,
    };

    /// <summary>The project's containers on the engine, listed once per tick however many jobs look at them.</summary>
    private sealed class EngineRuns(DockerFunctions docker)
    {
        private readonly Lock _gate = new();
        private Task<IReadOnlyList<FunctionContainerInfo>>? _list;

        public Task<IReadOnlyList<FunctionContainerInfo>> ListAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                return _list ??= docker.ListAsync(cancellationToken);
            }
        }
    }

    /// <summary>A job's slots as this scheduler knows them.</summary>
    private sealed class JobState(DateTimeOffset watermark, string fingerprint)
    {
        public DateTimeOffset Watermark { get; set; } = watermark;

        public string Fingerprint { get; set; } = fingerprint;

        public List<RunHandle> Active { get; } = [];

        /// <summary>An admin's suspend or resume, overriding <c>suspend:</c> of the config; null for none.</summary>
        public bool? Suspended { get; set; }
    }

    /// <summary>One slot being run (all its attempts).</summary>
    internal sealed class RunHandle(DateTimeOffset slot, CancellationTokenSource cancel, bool manual)
    {
        public DateTimeOffset Slot { get; } = slot;

        /// <summary>Started by run-now rather than the schedule (its run name ends in <c>-m</c>).</summary>
        public bool Manual { get; } = manual;

        public CancellationTokenSource Cancel { get; } = cancel;

        public string RunId { get; set; } = "";

        public bool Replaced { get; set; }
    }
}
