using static ServerlessDocker.Proxy.Json.BodyShape;

namespace ServerlessDocker.Proxy.Json;

/// <summary>
/// The JSON bodies the proxy accepts, typed like the Engine API's Go structs (moby api/types, up to API 1.47, so
/// the docker CLI 28, docker-py and dockerode bodies fit). Fields not listed here are refused, not forwarded.
/// </summary>
internal static class EngineBodyShapes
{
    private static readonly BodyShape Health = Struct(
        "HealthConfig",
        ("Test", Strings), ("Interval", Int), ("Timeout", Int), ("StartPeriod", Int), ("StartInterval", Int), ("Retries", Int));

    /// <summary>container.Config: the create body's top level (without HostConfig/NetworkingConfig) and the commit body.</summary>
    private static readonly (string, BodyShape)[] ConfigFields =
    [
        ("Hostname", Str), ("Domainname", Str), ("User", Str), ("AttachStdin", Bool), ("AttachStdout", Bool),
        ("AttachStderr", Bool), ("ExposedPorts", SetMap), ("Tty", Bool), ("OpenStdin", Bool), ("StdinOnce", Bool),
        ("Env", Strings), ("Cmd", StrSlice), ("Healthcheck", Health), ("ArgsEscaped", Bool), ("Image", Str),
        ("Volumes", SetMap), ("WorkingDir", Str), ("Entrypoint", StrSlice), ("NetworkDisabled", Bool),
        ("MacAddress", Str), ("OnBuild", Strings), ("Labels", StringMap), ("StopSignal", Str),
        ("StopTimeout", Int), ("Shell", StrSlice),
    ];

    private static readonly BodyShape ThrottleDevices = ArrayOf(Struct("ThrottleDevice", ("Path", Str), ("Rate", U64)));

    private static readonly BodyShape Mount = Struct(
        "Mount",
        ("Type", Str), ("Source", Str), ("Target", Str), ("ReadOnly", Bool), ("Consistency", Str),
        ("BindOptions", Struct("BindOptions", ("Propagation", Str), ("NonRecursive", Bool), ("CreateMountpoint", Bool), ("ReadOnlyNonRecursive", Bool), ("ReadOnlyForceRecursive", Bool))),
        ("VolumeOptions", Struct("VolumeOptions", ("NoCopy", Bool), ("Labels", StringMap), ("Subpath", Str), ("DriverConfig", Struct("Driver", ("Name", Str), ("Options", StringMap))))),
        ("ImageOptions", Struct("ImageOptions", ("Subpath", Str))),
        ("TmpfsOptions", Struct("TmpfsOptions", ("SizeBytes", Int), ("Mode", U32), ("Options", ArrayOf(Strings)))),
        ("ClusterOptions", Struct("ClusterOptions")));

    /// <summary><c>HostConfig</c> of a create; also the shape of an update body (a subset of it).</summary>
    public static readonly BodyShape HostConfig = Struct(
        "HostConfig",
        ("Binds", Strings), ("ContainerIDFile", Str), ("LogConfig", Struct("LogConfig", ("Type", Str), ("Config", StringMap))),
        ("NetworkMode", Str), ("PortBindings", MapOf(ArrayOf(Struct("PortBinding", ("HostIp", Str), ("HostPort", Str))))),
        ("RestartPolicy", Struct("RestartPolicy", ("Name", Str), ("MaximumRetryCount", Int))), ("AutoRemove", Bool),
        ("VolumeDriver", Str), ("VolumesFrom", Strings), ("ConsoleSize", ArrayOf(U64)), ("Annotations", StringMap),
        ("CapAdd", StrSlice), ("CapDrop", StrSlice), ("CgroupnsMode", Str), ("Dns", Strings), ("DnsOptions", Strings),
        ("DnsSearch", Strings), ("ExtraHosts", Strings), ("GroupAdd", Strings), ("IpcMode", Str), ("Cgroup", Str),
        ("Links", Strings), ("OomScoreAdj", Int), ("PidMode", Str), ("Privileged", Bool), ("PublishAllPorts", Bool),
        ("ReadonlyRootfs", Bool), ("SecurityOpt", Strings), ("StorageOpt", StringMap), ("Tmpfs", StringMap), ("UTSMode", Str),
        ("UsernsMode", Str), ("ShmSize", Int), ("Sysctls", StringMap), ("Runtime", Str), ("Isolation", Str),

        // Resources (embedded in HostConfig).
        ("CpuShares", Int), ("Memory", Int), ("NanoCpus", Int), ("CgroupParent", Str), ("BlkioWeight", U16),
        ("BlkioWeightDevice", ArrayOf(Struct("WeightDevice", ("Path", Str), ("Weight", U16)))),
        ("BlkioDeviceReadBps", ThrottleDevices), ("BlkioDeviceWriteBps", ThrottleDevices),
        ("BlkioDeviceReadIOps", ThrottleDevices), ("BlkioDeviceWriteIOps", ThrottleDevices),
        ("CpuPeriod", Int), ("CpuQuota", Int), ("CpuRealtimePeriod", Int), ("CpuRealtimeRuntime", Int),
        ("CpusetCpus", Str), ("CpusetMems", Str),
        ("Devices", ArrayOf(Struct("DeviceMapping", ("PathOnHost", Str), ("PathInContainer", Str), ("CgroupPermissions", Str)))),
        ("DeviceCgroupRules", Strings),
        ("DeviceRequests", ArrayOf(Struct("DeviceRequest", ("Driver", Str), ("Count", Int), ("DeviceIDs", Strings), ("Capabilities", ArrayOf(Strings)), ("Options", StringMap)))),
        ("KernelMemory", Int), ("KernelMemoryTCP", Int), ("MemoryReservation", Int), ("MemorySwap", Int),
        ("MemorySwappiness", Int), ("OomKillDisable", Bool), ("PidsLimit", Int),
        ("Ulimits", ArrayOf(Struct("Ulimit", ("Name", Str), ("Hard", Int), ("Soft", Int)))),
        ("CpuCount", Int), ("CpuPercent", Int), ("IOMaximumIOps", U64), ("IOMaximumBandwidth", U64),

        ("Mounts", ArrayOf(Mount)), ("MaskedPaths", Strings), ("ReadonlyPaths", Strings), ("Init", Bool));

    private static readonly BodyShape EndpointSettings = Struct(
        "EndpointSettings",
        ("IPAMConfig", Struct("EndpointIPAMConfig", ("IPv4Address", Str), ("IPv6Address", Str), ("LinkLocalIPs", Strings))),
        ("Links", Strings), ("Aliases", Strings), ("DriverOpts", StringMap), ("GwPriority", Int), ("NetworkID", Str),
        ("EndpointID", Str), ("Gateway", Str), ("IPAddress", Str), ("IPPrefixLen", Int), ("IPv6Gateway", Str),
        ("GlobalIPv6Address", Str), ("GlobalIPv6PrefixLen", Int), ("MacAddress", Str), ("DNSNames", Strings));

    private static readonly BodyShape ConsoleSize = ArrayOf(U64);

    /// <summary><c>POST /containers/create</c>.</summary>
    public static readonly BodyShape ContainerCreate = Struct(
        "container create",
        [.. ConfigFields, ("HostConfig", HostConfig), ("NetworkingConfig", Struct("NetworkingConfig", ("EndpointsConfig", MapOf(EndpointSettings))))]);

    /// <summary><c>POST /commit</c>: the body is a container config.</summary>
    public static readonly BodyShape Commit = Struct("commit config", ConfigFields);

    /// <summary><c>POST /containers/{id}/exec</c>.</summary>
    public static readonly BodyShape ExecCreate = Struct(
        "exec create",
        ("User", Str), ("Privileged", Bool), ("Tty", Bool), ("ConsoleSize", ConsoleSize), ("AttachStdin", Bool),
        ("AttachStderr", Bool), ("AttachStdout", Bool), ("Detach", Bool), ("DetachKeys", Str), ("Env", Strings),
        ("WorkingDir", Str), ("Cmd", StrSlice));

    /// <summary><c>POST /exec/{id}/start</c>.</summary>
    public static readonly BodyShape ExecStart = Struct("exec start", ("Detach", Bool), ("Tty", Bool), ("ConsoleSize", ConsoleSize));

    /// <summary><c>POST /networks/create</c>.</summary>
    public static readonly BodyShape NetworkCreate = Struct(
        "network create",
        ("Name", Str), ("CheckDuplicate", Bool), ("Driver", Str), ("Scope", Str), ("EnableIPv4", Bool), ("EnableIPv6", Bool),
        ("IPAM", Struct("IPAM", ("Driver", Str), ("Options", StringMap), ("Config", ArrayOf(Struct("IPAMConfig", ("Subnet", Str), ("IPRange", Str), ("Gateway", Str), ("AuxiliaryAddresses", StringMap)))))),
        ("Internal", Bool), ("Attachable", Bool), ("Ingress", Bool), ("ConfigOnly", Bool), ("ConfigFrom", Struct("ConfigReference", ("Network", Str))),
        ("Options", StringMap), ("Labels", StringMap));

    /// <summary><c>POST /networks/{id}/connect</c>.</summary>
    public static readonly BodyShape NetworkConnect = Struct("network connect", ("Container", Str), ("EndpointConfig", EndpointSettings));

    /// <summary><c>POST /networks/{id}/disconnect</c>.</summary>
    public static readonly BodyShape NetworkDisconnect = Struct("network disconnect", ("Container", Str), ("Force", Bool));

    /// <summary><c>POST /volumes/create</c>.</summary>
    public static readonly BodyShape VolumeCreate = Struct(
        "volume create",
        ("Name", Str), ("Driver", Str), ("DriverOpts", StringMap), ("Labels", StringMap), ("ClusterVolumeSpec", Struct("ClusterVolumeSpec")));
}
