using ServerlessDocker.Cli;

return await SdockApp.RunAsync(args);
