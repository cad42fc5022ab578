using ServerlessDocker;

await using var docker = DockerFunctions.FromEnvironment();
string padded = await docker.RunAsync("leftpad", ["foo", "5"]);
Console.Write(padded);
