namespace ServerlessDocker.Tests;

/// <summary>Commands for pure-logic tests: bound to a client whose endpoint is never contacted.</summary>
internal static class TestCommands
{
    // Building a DockerClient opens no connection; these tests never execute the commands.
    private static readonly DockerFunctions Offline =
        DockerFunctions.Connect(new DockerEndpoint { Uri = new Uri("unix:///nonexistent/sdock-unit-tests.sock") });

    public static ContainerCommand Create(string image = "busybox", params string[] arguments) =>
        Offline.Command(image, arguments);
}
