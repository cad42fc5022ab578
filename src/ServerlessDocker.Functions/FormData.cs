namespace ServerlessDocker.Functions;

/// <summary>The fields of a submitted form (application/x-www-form-urlencoded).</summary>
public sealed class FormData
{
    /// <summary>An empty form.</summary>
    public static FormData Empty { get; } = new(ParameterCollection.Empty);

    internal FormData(ParameterCollection fields) => Fields = fields;

    /// <summary>Every field, repeated names included, in the order they came.</summary>
    public ParameterCollection Fields { get; }

    /// <summary>The first value of field <paramref name="name"/>, or null when the form has no such field.</summary>
    public string? this[string name] => Fields[name];
}
