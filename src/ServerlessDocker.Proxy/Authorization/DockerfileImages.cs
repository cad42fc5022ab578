using System.Text;

namespace ServerlessDocker.Proxy.Authorization;

/// <summary>
/// The images a Dockerfile reads, as the engine's classic builder resolves them: every <c>FROM</c> (after the
/// meta <c>ARG</c>s before the first <c>FROM</c> and the build's <c>buildargs</c> are substituted) and every
/// <c>COPY --from</c>, less <c>scratch</c> and the names and indexes of earlier stages. A build reads these images
/// exactly as a run does, so the proxy applies the run's image rules to each. What the proxy cannot evaluate the
/// way the engine would (a variable form it does not know, a variable in <c>COPY --from</c>) is refused, never guessed.
/// </summary>
internal static class DockerfileImages
{
    /// <summary>The external images <paramref name="dockerfile"/> reads, in order, each once.</summary>
    /// <param name="dockerfile">The Dockerfile's text.</param>
    /// <param name="buildArgs">The build's <c>buildargs</c> (they override the meta ARGs' defaults).</param>
    public static IReadOnlyList<string> Parse(string dockerfile, IReadOnlyDictionary<string, string?> buildArgs)
    {
        var instructions = Instructions(dockerfile);
        var metaArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<string?>();
        var images = new List<string>();
        var sawFrom = false;
        foreach (var (keyword, rest) in instructions)
        {
            switch (keyword)
            {
                case "ARG" when !sawFrom:
                    foreach (var declaration in SplitWords(rest))
                    {
                        var eq = declaration.IndexOf('=', StringComparison.Ordinal);
                        var name = eq < 0 ? declaration : declaration[..eq];
                        var fallback = eq < 0 ? null : Unquote(declaration[(eq + 1)..]);
                        var value = buildArgs.TryGetValue(name, out var given) && given is not null ? given : fallback is null ? null : Substitute(fallback, metaArgs);
                        if (value is not null)
                        {
                            metaArgs[name] = value;
                        }
                    }

                    break;
                case "FROM":
                    sawFrom = true;
                    var words = SplitWords(rest).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                    if (words.Count is not (1 or 3) || (words.Count == 3 && !words[1].Equals("AS", StringComparison.OrdinalIgnoreCase)))
                    {
                        throw Refused($"'FROM {rest}' is not FROM [--platform=...] IMAGE [AS NAME]");
                    }

                    var image = Substitute(words[0], metaArgs);
                    AddExternal(image, stages, images);
                    stages.Add(words.Count == 3 ? words[2].ToLowerInvariant() : null);
                    break;
                case "COPY":
                    foreach (var flag in SplitWords(rest).TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal)))
                    {
                        if (flag.StartsWith("--from=", StringComparison.OrdinalIgnoreCase))
                        {
                            var from = flag["--from=".Length..];
                            if (from.Contains('$', StringComparison.Ordinal))
                            {
                                throw Refused($"COPY {flag}: a variable in --from is not evaluated by the proxy; name the stage or image");
                            }

                            if (!int.TryParse(from, out var index) || index < 0 || index >= stages.Count)
                            {
                                AddExternal(from, stages, images);
                            }
                        }
                    }

                    break;
                case "ONBUILD":
                    // Triggers run in a later build that uses this image as its base; that build is checked then.
                    break;
            }
        }

        return images;
    }

    private static void AddExternal(string image, List<string?> stages, List<string> images)
    {
        if (image.Length == 0)
        {
            throw Refused("a FROM names no image (an unset build argument?)");
        }

        if (image.Equals("scratch", StringComparison.OrdinalIgnoreCase) || stages.Contains(image.ToLowerInvariant()))
        {
            return;
        }

        if (!images.Contains(image, StringComparer.Ordinal))
        {
            images.Add(image);
        }
    }

    /// <summary>The Dockerfile's instructions (keyword upper-cased, arguments), with continuations joined and comments dropped.</summary>
    internal static List<(string Keyword, string Arguments)> Instructions(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var escape = '\\';

        // Parser directives: leading "# name=value" comments, before any other line.
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith('#'))
            {
                break;
            }

            var directive = trimmed[1..].Trim();
            var eq = directive.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                break;
            }

            if (directive[..eq].Trim().Equals("escape", StringComparison.OrdinalIgnoreCase))
            {
                var value = directive[(eq + 1)..].Trim();
                escape = value switch
                {
                    "\\" => '\\',
                    "`" => '`',
                    _ => throw Refused($"escape directive '{value}' is not \\ or `"),
                };
            }
        }

        var result = new List<(string, string)>();
        var current = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith('#'))
            {
                continue; // a comment, also inside a continuation
            }

            if (line.Length > 0 && line[^1] == escape)
            {
                current.Append(line, 0, line.Length - 1);
                continue;
            }

            current.Append(line);
            var instruction = current.ToString().Trim();
            current.Clear();
            if (instruction.Length == 0)
            {
                continue;
            }

            var space = instruction.IndexOfAny([' ', '\t']);
            result.Add(space < 0
                ? (instruction.ToUpperInvariant(), "")
                : (instruction[..space].ToUpperInvariant(), instruction[(space + 1)..].Trim()));
        }

        if (current.Length > 0 && current.ToString().Trim() is { Length: > 0 } last)
        {
            var space = last.IndexOfAny([' ', '\t']);
            result.Add(space < 0 ? (last.ToUpperInvariant(), "") : (last[..space].ToUpperInvariant(), last[(space + 1)..].Trim()));
        }

        return result;
    }

    /// <summary>Replaces <c>$NAME</c>, <c>${NAME}</c>, <c>${NAME:-default}</c> and <c>${NAME:+alternative}</c>.</summary>
    internal static string Substitute(string word, IReadOnlyDictionary<string, string> args)
    {
        var text = Unquote(word);
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '$')
            {
                result.Append('$');
                i++;
                continue;
            }

            if (text[i] != '$')
            {
                result.Append(text[i]);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw Refused($"'{word}' has an unclosed ${{");
                }

                var expression = text[(i + 2)..close];
                result.Append(Expand(expression, args, word));
                i = close;
                continue;
            }

            var end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            if (end == i + 1)
            {
                throw Refused($"'{word}' has a '$' the proxy cannot read");
            }

            result.Append(args.GetValueOrDefault(text[(i + 1)..end], ""));
            i = end - 1;
        }

        return result.ToString();
    }

    private static string Expand(string expression, IReadOnlyDictionary<string, string> args, string word)
    {
        var colon = expression.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? expression : expression[..colon];
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw Refused($"'{word}' has a variable form the proxy does not evaluate");
        }

        var set = args.TryGetValue(name, out var value) && value.Length > 0;
        if (colon < 0)
        {
            return value ?? "";
        }

        var modifier = expression[(colon + 1)..];
        return modifier.Length > 0 && modifier[0] == '-' ? (set ? value! : Substitute(modifier[1..], args))
            : modifier.Length > 0 && modifier[0] == '+' ? (set ? Substitute(modifier[1..], args) : "")
            : throw Refused($"'{word}' has a variable form the proxy does not evaluate");
    }

    private static string Unquote(string word) =>
        word.Length >= 2 && (word[0] == '"' || word[0] == '\'') && word[^1] == word[0] ? word[1..^1] : word;

    private static List<string> SplitWords(string text) =>
        text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();

    private static RequestRejectedException Refused(string why) => new(400, $"the Dockerfile cannot be checked: {why}");
}
