using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDocker.Gateway.Configuration;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// The jobs part of the admin API (mapped inside <c>/admin</c>, behind its token): the jobs with their next run,
/// a job's history, run-now, suspend and resume. Without the scheduler (library mode) every call is a 404.
/// </summary>
internal static class JobAdminEndpoints
{
    public static void MapJobAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/jobs", async (HttpContext http, IGatewayConfigSource config, TimeProvider time, CancellationToken ct) =>
        {
            if (Services(http) is not ({ } scheduler, { } store))
            {
                return NoScheduler();
            }

            var now = time.GetUtcNow();
            var active = scheduler.ActiveRuns();
            var jobs = new List<object>();
            foreach (var job in config.Current.Jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal))
            {
                var suspended = scheduler.IsSuspended(job);
                jobs.Add(new
                {
                    name = job.Name,
                    schedule = job.Schedule.Text,
                    timeZone = job.Schedule.Zone.Id,
                    function = job.Function,
                    image = job.Target.Image,
                    backend = job.Target.Backend.ToString().ToLowerInvariant(),
                    concurrency = job.Concurrency.ToString().ToLowerInvariant(),
                    misfire = job.Misfire switch { MisfirePolicy.Skip => "skip", MisfirePolicy.RunOnce => "runOnce", _ => "runAll" },
                    suspended,
                    nextRun = suspended ? null : job.Schedule.Next(now),
                    running = active.Where(a => a.Job == job.Name).Select(a => new { slot = a.Slot, runId = a.RunId }),
                    lastRuns = (await store.HistoryAsync(job.Name, 5, ct).ConfigureAwait(false)).Select(View),
                });
            }

            return Results.Json(new { jobs });
        });

        admin.MapGet("/jobs/{name}/runs", async (HttpContext http, string name, int? limit, IGatewayConfigSource config, CancellationToken ct) =>
            Services(http) is not (_, { } store) ? NoScheduler()
            : !config.Current.Jobs.ContainsKey(name) ? UnknownJob(name)
            : Results.Json(new { runs = (await store.HistoryAsync(name, Math.Clamp(limit ?? 50, 1, 1000), ct).ConfigureAwait(false)).Select(View) }));

        admin.MapPost("/jobs/{name}/run", async (HttpContext http, string name, IGatewayConfigSource config, CancellationToken ct) =>
        {
            if (Services(http) is not ({ } scheduler, _))
            {
                return NoScheduler();
            }

            if (!config.Current.Jobs.TryGetValue(name, out var job))
            {
                return UnknownJob(name);
            }

            return await scheduler.RunNowAsync(job, ct).ConfigureAwait(false) is { } slot
                ? Results.Json(new { job = name, slot = SlotFormat.Env(slot) }, statusCode: StatusCodes.Status202Accepted)
                : Results.Text($"job '{name}' has a run going and 'concurrency: forbid'; try again when it ends", statusCode: StatusCodes.Status409Conflict);
        });

        admin.MapPost("/jobs/{name}/suspend", (HttpContext http, string name, IGatewayConfigSource config, CancellationToken ct) => SetSuspendedAsync(http, name, config, true, ct));
        admin.MapPost("/jobs/{name}/resume", (HttpContext http, string name, IGatewayConfigSource config, CancellationToken ct) => SetSuspendedAsync(http, name, config, false, ct));
    }

    private static async Task<IResult> SetSuspendedAsync(HttpContext http, string name, IGatewayConfigSource config, bool suspended, CancellationToken ct)
    {
        if (Services(http) is not ({ } scheduler, _))
        {
            return NoScheduler();
        }

        if (!config.Current.Jobs.TryGetValue(name, out var job))
        {
            return UnknownJob(name);
        }

        await scheduler.SetSuspendedAsync(job, suspended, ct).ConfigureAwait(false);
        return Results.Json(new { job = name, suspended });
    }

    private static (JobScheduler Scheduler, JobStore Store)? Services(HttpContext http) =>
        http.RequestServices.GetService<JobScheduler>() is { } scheduler ? (scheduler, http.RequestServices.GetRequiredService<JobStore>()) : null;

    private static IResult NoScheduler() => Results.NotFound("this gateway runs no job scheduler (jobs: are served by 'sdock serve')");

    private static IResult UnknownJob(string name) => Results.NotFound($"no job named '{name}' under 'jobs:'");

    private static object View(JobRunRecord r) => new
    {
        id = r.Id,
        slot = SlotFormat.Env(r.Slot),
        slotTo = r.SlotTo is { } to ? SlotFormat.Env(to) : null,
        slots = r.SlotCount,
        attempt = r.Attempt,
        status = JobStore.StatusText(r.Status),
        reason = r.Reason,
        runName = r.RunName,
        startedAt = r.StartedAt,
        finishedAt = r.FinishedAt,
        exitCode = r.ExitCode,
        node = r.Node,
        stdout = r.StdoutTail,
        stderr = r.StderrTail,
    };
}
