using Spectre.Console;

namespace ServerlessDocker.Cli;

/// <summary>Shows image pull progress on stderr: one line per layer state change, colour on a terminal.</summary>
internal sealed class PullReporter : IProgress<PullProgress>
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    private readonly Dictionary<string, string> _last = [];

    public void Report(PullProgress value)
    {
        var key = value.LayerId ?? value.Image;
        lock (_last)
        {
            // Byte counters change constantly; report a layer only when its state changes.
            if (_last.TryGetValue(key, out var previous) && previous == value.Status)
            {
                return;
            }

            _last[key] = value.Status;
        }

        var layer = value.LayerId is null ? "" : $" [grey]{Markup.Escape(value.LayerId)}[/]";
        _console.MarkupLine($"[blue]pull[/] {Markup.Escape(value.Image)}{layer}: {Markup.Escape(value.Status)}");
    }
}
