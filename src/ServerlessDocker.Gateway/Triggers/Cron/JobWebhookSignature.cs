using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessDocker.Gateway.Triggers.Cron;

/// <summary>
/// The <c>X-Sdock-Signature</c> of a failure webhook: <c>sha256=</c> and the lowercase hex HMAC-SHA256, keyed with the
/// job's secret, of <c>TIMESTAMP.BODY</c> (the <c>X-Sdock-Timestamp</c> header, a dot, the raw body), so a receiver can
/// check both who sent it and that it is not an old delivery replayed.
/// </summary>
internal static class JobWebhookSignature
{
    public const string Prefix = "sha256=";

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var stamp = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[stamp.Length + body.Length];
        stamp.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(stamp.Length));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>What a receiver does: recompute and compare in constant time.</summary>
    public static bool Verify(string secret, long unixSeconds, ReadOnlySpan<byte> body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, unixSeconds, body)), Encoding.ASCII.GetBytes(signature));
}
