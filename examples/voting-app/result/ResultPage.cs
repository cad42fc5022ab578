using System.Globalization;
using System.Text;

namespace VotingApp;

/// <summary>The results page: one bar per option; it reloads itself every two seconds.</summary>
internal static class ResultPage
{
    public static string Render(VoteCounts counts)
    {
        var body = new StringBuilder(1024);
        body.Append("<h1>Results</h1><p class=\"lead\">Live: this page refreshes itself every two seconds.</p><div class=\"bars\">");
        Bar(body, "a", counts.A, counts.Total);
        Bar(body, "b", counts.B, counts.Total);
        body.Append("</div><p class=\"total\" id=\"total\">")
            .Append(counts.Total.ToString(CultureInfo.InvariantCulture)).Append(counts.Total == 1 ? " vote" : " votes")
            .Append(" · <a href=\"/vote\">Cast yours</a></p>");
        return Page.Render("Results", "result", body.ToString(), refreshSeconds: 2);
    }

    private static void Bar(StringBuilder body, string option, long count, long total)
    {
        var percent = total == 0 ? 0 : (int)Math.Round(100.0 * count / total);
        body.Append("<div class=\"bar ").Append(option).Append("\"><div class=\"name\"><span>")
            .Append(Page.Encode(VotingOptions.Label(option))).Append("</span><span><span class=\"count\" id=\"count-").Append(option).Append("\">")
            .Append(count.ToString(CultureInfo.InvariantCulture)).Append("</span> · ")
            .Append(percent.ToString(CultureInfo.InvariantCulture)).Append("%</span></div><div class=\"track\"><div class=\"fill\" style=\"width:")
            .Append(percent.ToString(CultureInfo.InvariantCulture)).Append("%\"></div></div></div>");
    }
}
