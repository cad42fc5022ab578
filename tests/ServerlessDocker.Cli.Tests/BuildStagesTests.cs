using ServerlessDocker.Cli.Building;

namespace ServerlessDocker.Cli.Tests;

public sealed class BuildStagesTests
{
    [Fact]
    public void Trimming_and_aot_diagnostics_are_picked_once_without_the_project_suffix()
    {
        string[] log =
        [
            "/src/Program.cs(3,19): warning IL2026: Using member 'JsonSerializer.Serialize' which has 'RequiresUnreferencedCodeAttribute' [/src/F.csproj]",
            "/src/Program.cs(3,19): warning IL3050: Using member 'JsonSerializer.Serialize' which has 'RequiresDynamicCodeAttribute' [/src/F.csproj]",
            "/src/Program.cs(3,19): warning IL2026: Using member 'JsonSerializer.Serialize' which has 'RequiresUnreferencedCodeAttribute' [/src/F.csproj]",
            "ILC : error IL3054: Generic expansion was aborted",
            "/src/Program.cs(4,1): warning CS0168: The variable 'x' is declared but never used [/src/F.csproj]",
            "  F -> /tmp/publish/",
        ];
        Assert.Equal(
            [
                "/src/Program.cs(3,19): warning IL2026: Using member 'JsonSerializer.Serialize' which has 'RequiresUnreferencedCodeAttribute'",
                "/src/Program.cs(3,19): warning IL3050: Using member 'JsonSerializer.Serialize' which has 'RequiresDynamicCodeAttribute'",
                "ILC : error IL3054: Generic expansion was aborted",
            ],
            AotPublisher.AotDiagnostics(log));
    }

    [Fact]
    public void The_dockerfile_is_scratch_with_one_copy_and_the_executable_as_entrypoint()
    {
        Assert.Equal("FROM scratch\nCOPY rootfs/ /\nENTRYPOINT [\"/vote\"]\n", ScratchImageContext.Dockerfile("vote"));
    }

    [Fact]
    public void A_project_is_a_csproj_or_a_directory_with_exactly_one()
    {
        var dir = Directory.CreateTempSubdirectory("sdock-build-test-");
        try
        {
            Assert.Contains("holds no .csproj", Assert.Throws<BuildException>(() => FunctionImageBuild.ResolveProject(dir.FullName)).Message, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir.FullName, "a.csproj"), "<Project />");
            Assert.Equal(Path.Combine(dir.FullName, "a.csproj"), FunctionImageBuild.ResolveProject(dir.FullName));
            File.WriteAllText(Path.Combine(dir.FullName, "b.csproj"), "<Project />");
            Assert.Contains("holds 2 .csproj files", Assert.Throws<BuildException>(() => FunctionImageBuild.ResolveProject(dir.FullName)).Message, StringComparison.Ordinal);
            Assert.Equal(Path.Combine(dir.FullName, "b.csproj"), FunctionImageBuild.ResolveProject(Path.Combine(dir.FullName, "b.csproj")));
            Assert.Contains("neither a directory nor a .csproj", Assert.Throws<BuildException>(() => FunctionImageBuild.ResolveProject(Path.Combine(dir.FullName, "nope"))).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Elf_checks_tell_a_dynamic_executable_from_a_script()
    {
        Assert.True(ElfFile.IsElf("/bin/ls"));
        Assert.True(ElfFile.HasInterpreter("/bin/ls"));
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, "#!/bin/sh\n");
            Assert.False(ElfFile.IsElf(script));
        }
        finally
        {
            File.Delete(script);
        }
    }
}
