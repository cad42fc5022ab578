[assembly: AssemblyFixture(typeof(ServerlessDocker.IntegrationTests.EngineFixture))]

namespace ServerlessDocker.IntegrationTests;

/// <summary>The shared engine fixture (fails loudly without an engine, fails the run on a leak) with the images the
/// core's tests run.</summary>
public sealed class EngineFixture : ServerlessDocker.Testing.EngineFixture
{
    /// <summary>The images every core test needs; scripts/images builds leftpad from examples/.</summary>
    public static readonly string[] Images = ["busybox", "leftpad", WarmPools.ScratchImage];

    /// <inheritdoc />
    protected override IReadOnlyList<string> RequiredImages => Images;
}
