using System.Net;
using System.Text;

namespace VotingApp;

/// <summary>The app's HTML layout: one small stylesheet inline, so a page is one response and one container.</summary>
internal static class Page
{
    private const string Style = """
        :root { --a: #e8743b; --b: #3b82c4; --ink: #1f2933; --muted: #6b7785; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
               background: linear-gradient(160deg, #f6f1ea, #e9eef5); min-height: 100vh; }
        header { padding: 18px 28px; display: flex; justify-content: space-between; align-items: center; }
        header .brand { font-weight: 700; letter-spacing: .02em; display: flex; align-items: center; gap: 10px; }
        header .mark { width: 22px; height: 22px; border-radius: 50%; background: linear-gradient(90deg, var(--a) 50%, var(--b) 50%); }
        header nav a { color: var(--muted); text-decoration: none; margin-left: 18px; }
        header nav a.active { color: var(--ink); font-weight: 600; }
        main { max-width: 620px; margin: 40px auto; padding: 36px 40px; background: #fff; border-radius: 16px;
               box-shadow: 0 10px 30px rgba(31, 41, 51, .08); text-align: center; }
        h1 { margin: 0 0 6px; font-size: 28px; }
        p.lead { margin: 0 0 28px; color: var(--muted); }
        .choices { display: flex; gap: 18px; justify-content: center; }
        .choices button { flex: 1; padding: 26px 0; font-size: 22px; font-weight: 600; color: #fff; border: 0;
                          border-radius: 12px; cursor: pointer; transition: transform .1s, box-shadow .1s; }
        .choices button:hover { transform: translateY(-2px); box-shadow: 0 6px 16px rgba(0, 0, 0, .15); }
        .choices button.a { background: var(--a); } .choices button.b { background: var(--b); }
        .choices button.chosen { outline: 4px solid var(--ink); outline-offset: 3px; }
        .notice { margin-top: 24px; padding: 12px 16px; border-radius: 10px; background: #eef7ee; color: #256029; }
        .error { background: #fdeeee; color: #8a1f1f; }
        .bars { text-align: left; margin-top: 8px; }
        .bar { margin: 18px 0; }
        .bar .name { display: flex; justify-content: space-between; font-weight: 600; }
        .bar .track { height: 18px; background: #edf0f3; border-radius: 9px; overflow: hidden; margin-top: 6px; }
        .bar .fill { height: 100%; border-radius: 9px; }
        .bar.a .fill { background: var(--a); } .bar.b .fill { background: var(--b); }
        .total { margin-top: 22px; color: var(--muted); }
        footer { text-align: center; color: var(--muted); font-size: 13px; padding-bottom: 24px; }
        """;

    /// <summary>A whole page around <paramref name="body"/> (already HTML).</summary>
    public static string Render(string title, string active, string body, int refreshSeconds = 0)
    {
        var html = new StringBuilder(4096);
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        if (refreshSeconds > 0)
        {
            html.Append("<meta http-equiv=\"refresh\" content=\"").Append(refreshSeconds).Append("\">");
        }

        html.Append("<title>").Append(Encode(title)).Append(" · Cats or Dogs</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<header><span class=\"brand\"><span class=\"mark\"></span>Cats or Dogs</span><nav>")
            .Append("<a href=\"/vote\"").Append(active == "vote" ? " class=\"active\"" : string.Empty).Append(">Vote</a>")
            .Append("<a href=\"/result\"").Append(active == "result" ? " class=\"active\"" : string.Empty).Append(">Results</a>")
            .Append("</nav></header><main>").Append(body).Append("</main>")
            .Append("<footer>Every page is a container: served by sdock, one function per request.</footer></body></html>\n");
        return html.ToString();
    }

    /// <summary>HTML-encodes text for element content and attribute values.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);
}
