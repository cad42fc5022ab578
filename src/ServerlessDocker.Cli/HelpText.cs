using System.CommandLine;
using System.Text.RegularExpressions;

namespace ServerlessDocker.Cli;

/// <summary>
/// Help and parse errors the way docker prints them: usage as <c>sdock run [OPTIONS] IMAGE [ARG...]</c>, and one
/// error line naming what was wrong.
/// </summary>
internal static partial class HelpText
{
    /// <summary>
    /// Rewrites System.CommandLine's usage lines (<c>sdock run &lt;IMAGE&gt; [&lt;ARG&gt;...] [options]</c>) into
    /// docker's form (<c>sdock run [OPTIONS] IMAGE [ARG...]</c>); everything else is kept.
    /// </summary>
    public static string WithDockerUsage(string help)
    {
        var lines = help.Split('\n');
        var inUsage = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() == "Usage:")
            {
                inUsage = true;
            }
            else if (string.IsNullOrWhiteSpace(lines[i]))
            {
                inUsage = false;
            }
            else if (inUsage)
            {
                lines[i] = UsageLine(lines[i].TrimEnd('\r'));
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>One usage line in docker's form.</summary>
    public static string UsageLine(string line)
    {
        var hasOptions = line.Contains("[options]", StringComparison.Ordinal);
        var rest = line.Replace(" [options]", "", StringComparison.Ordinal);
        var firstOperand = FirstOperand().Match(rest);
        var path = firstOperand.Success ? rest[..firstOperand.Index] : rest;
        var operands = firstOperand.Success ? rest[firstOperand.Index..] : "";
        operands = AngleBrackets().Replace(operands, m => m.Groups[1].Value.ToUpperInvariant());
        operands = operands.Replace("[command]", "COMMAND", StringComparison.Ordinal);
        return path.TrimEnd() + (hasOptions ? " [OPTIONS]" : "") + (operands.Length > 0 ? " " + operands.Trim() : "");
    }

    /// <summary>The one line a parse failure prints: an unknown command, else the first error that says something.</summary>
    public static string ParseError(ParseResult parse)
    {
        if (parse.CommandResult.Command is RootCommand && parse.UnmatchedTokens.Count > 0 && !parse.UnmatchedTokens[0].StartsWith('-'))
        {
            return $"'{parse.UnmatchedTokens[0]}' is not a sdock command; see 'sdock --help' for the commands.";
        }

        var errors = parse.Errors.Select(e => e.Message).ToList();
        return errors.FirstOrDefault(e => !e.StartsWith("Required command was not provided", StringComparison.Ordinal)) ?? errors[0];
    }

    [GeneratedRegex(@" (?:\[?<|\[command\])")]
    private static partial Regex FirstOperand();

    [GeneratedRegex(@"<([^>]+)>")]
    private static partial Regex AngleBrackets();
}
