namespace ServerlessDocker.Bench;

/// <summary>Latency samples of one variant, in milliseconds.</summary>
internal sealed class Samples(string name)
{
    private readonly List<double> _values = [];

    public string Name { get; } = name;

    public int Count => _values.Count;

    public void Add(double milliseconds) => _values.Add(milliseconds);

    /// <summary>The value of one iteration (samples are added in iteration order).</summary>
    public double this[int iteration] => _values[iteration];

    public double Median => Percentile(50);

    public double P90 => Percentile(90);

    public double Mean => _values.Average();

    public double Min => _values.Min();

    public double Max => _values.Max();

    /// <summary>Nearest-rank percentile with linear interpolation between neighbours.</summary>
    public double Percentile(double p)
    {
        var sorted = _values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }
}
