using System.Text;
using ServerlessDocker.Functions;

namespace VotingApp;

/// <summary>The poll page: two buttons that post <c>vote=a</c> or <c>vote=b</c>, the chosen one marked.</summary>
internal static class VotePage
{
    public static Task WriteAsync(CgiResponse response, string? chosen, (string Text, bool IsError)? notice, CancellationToken cancellationToken)
    {
        var body = new StringBuilder(1024);
        body.Append("<h1>Cats or Dogs?</h1><p class=\"lead\">One vote per person. Vote again to change your mind.</p>")
            .Append("<form method=\"post\" action=\"/vote\" class=\"choices\">");
        foreach (var option in (string[])["a", "b"])
        {
            body.Append("<button type=\"submit\" name=\"vote\" value=\"").Append(option).Append("\" class=\"").Append(option)
                .Append(chosen == option ? " chosen" : string.Empty).Append("\">")
                .Append(Page.Encode(VotingOptions.Label(option))).Append("</button>");
        }

        body.Append("</form>");
        if (notice is { } n)
        {
            body.Append("<div class=\"notice").Append(n.IsError ? " error" : string.Empty).Append("\">").Append(Page.Encode(n.Text))
                .Append(" <a href=\"/result\">See the results</a></div>");
        }

        response.ContentType = "text/html; charset=utf-8";
        response.Headers.Set("Cache-Control", "no-store");
        return response.WriteAsync(Page.Render("Vote", "vote", body.ToString()), cancellationToken);
    }
}
