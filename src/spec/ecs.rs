//! The ECS parts of a task as the user wrote them: container definition fields and the
//! task definition's platform, storage and volumes. Keys are the snake_case of the ECS
//! `RegisterTaskDefinition` field names (`readonly_root_filesystem` for
//! `readonlyRootFilesystem`), so the ECS documentation describes each; values the ECS API
//! spells as a closed set are enums here, so the schema lists them and a typo is located.

use std::fmt;

use crate::collections::IndexMap;
use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// An enum whose variants are the exact strings of the ECS API, with `as_str` giving them
/// back: the one spelling of each value, for the schema, serde and the model.
/// Variants carry no doc comments: schemars would write them as `oneOf` of `const`s, which
/// the structural check does not read; the enum's own doc describes the values.
macro_rules! ecs_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// The value as ECS spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }
    };
}

ecs_enum! {
    /// A container's port protocol.
    Protocol { Tcp = "tcp", Udp = "udp" }
}

ecs_enum! {
    /// The application protocol of a port (for Service Connect).
    AppProtocol { Http = "http", Http2 = "http2", Grpc = "grpc" }
}

ecs_enum! {
    /// When a container may start: once the other container has started (START), has
    /// exited (COMPLETE) or exited with status 0 (SUCCESS) — both only for a container that
    /// is not essential — or passes its health check (HEALTHY, which needs one).
    DependencyCondition { Start = "START", Complete = "COMPLETE", Success = "SUCCESS", Healthy = "HEALTHY" }
}

ecs_enum! {
    /// A resource limit (`ulimit`) name.
    UlimitName {
        Core = "core", Cpu = "cpu", Data = "data", Fsize = "fsize", Locks = "locks",
        Memlock = "memlock", Msgqueue = "msgqueue", Nice = "nice", Nofile = "nofile",
        Nproc = "nproc", Rss = "rss", Rtprio = "rtprio", Rttime = "rttime",
        Sigpending = "sigpending", Stack = "stack",
    }
}

ecs_enum! {
    /// A Linux kernel capability, as ECS names it (without `CAP_`).
    Capability {
        All = "ALL", AuditControl = "AUDIT_CONTROL", AuditWrite = "AUDIT_WRITE",
        BlockSuspend = "BLOCK_SUSPEND", Chown = "CHOWN", DacOverride = "DAC_OVERRIDE",
        DacReadSearch = "DAC_READ_SEARCH", Fowner = "FOWNER", Fsetid = "FSETID",
        IpcLock = "IPC_LOCK", IpcOwner = "IPC_OWNER", Kill = "KILL", Lease = "LEASE",
        LinuxImmutable = "LINUX_IMMUTABLE", MacAdmin = "MAC_ADMIN",
        MacOverride = "MAC_OVERRIDE", Mknod = "MKNOD", NetAdmin = "NET_ADMIN",
        NetBindService = "NET_BIND_SERVICE", NetBroadcast = "NET_BROADCAST",
        NetRaw = "NET_RAW", Setfcap = "SETFCAP", Setgid = "SETGID", Setpcap = "SETPCAP",
        Setuid = "SETUID", SysAdmin = "SYS_ADMIN", SysBoot = "SYS_BOOT",
        SysChroot = "SYS_CHROOT", SysModule = "SYS_MODULE", SysNice = "SYS_NICE",
        SysPacct = "SYS_PACCT", SysPtrace = "SYS_PTRACE", SysRawio = "SYS_RAWIO",
        SysResource = "SYS_RESOURCE", SysTime = "SYS_TIME",
        SysTtyConfig = "SYS_TTY_CONFIG", Syslog = "SYSLOG", WakeAlarm = "WAKE_ALARM",
    }
}

ecs_enum! {
    /// The log router a FireLens container runs.
    FirelensType { Fluentbit = "fluentbit", Fluentd = "fluentd" }
}

ecs_enum! {
    /// The CPU architecture the task runs on.
    CpuArchitecture { X86 = "X86_64", Arm64 = "ARM64" }
}

ecs_enum! {
    /// The operating system the task runs on.
    OperatingSystemFamily {
        Linux = "LINUX",
        WindowsServer2016Full = "WINDOWS_SERVER_2016_FULL",
        WindowsServer2019Full = "WINDOWS_SERVER_2019_FULL",
        WindowsServer2019Core = "WINDOWS_SERVER_2019_CORE",
        WindowsServer2022Full = "WINDOWS_SERVER_2022_FULL",
        WindowsServer2022Core = "WINDOWS_SERVER_2022_CORE",
        WindowsServer2025Full = "WINDOWS_SERVER_2025_FULL",
        WindowsServer2025Core = "WINDOWS_SERVER_2025_CORE",
        WindowsServer2004Core = "WINDOWS_SERVER_2004_CORE",
        WindowsServer20h2Core = "WINDOWS_SERVER_20H2_CORE",
    }
}

ecs_enum! {
    /// Whose process ids the task's containers see: shared between them (task), or the
    /// host's (host, EC2 only: a container then sees and may signal every process on it).
    PidMode { Host = "host", Task = "task" }
}

ecs_enum! {
    /// Whose IPC resources the task's containers share (EC2 only).
    IpcMode { Host = "host", Task = "task", None = "none" }
}

ecs_enum! {
    /// ECS's on/off switch for EFS settings.
    Toggle { Enabled = "ENABLED", Disabled = "DISABLED" }
}

impl OperatingSystemFamily {
    pub fn is_windows(self) -> bool {
        self != OperatingSystemFamily::Linux
    }
}

/// A container port: `8080` (TCP, the same port on the task's network interface), or a
/// table for the other settings.
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum PortMapping {
    /// A TCP container port, 1-65535.
    Port(i64),
    Mapping(PortMappingTable),
}

impl PortMapping {
    pub fn container_port(&self) -> i64 {
        match self {
            PortMapping::Port(port) => *port,
            PortMapping::Mapping(table) => table.container_port,
        }
    }

    pub fn protocol(&self) -> Protocol {
        match self {
            PortMapping::Port(_) => Protocol::Tcp,
            PortMapping::Mapping(table) => table.protocol.unwrap_or(Protocol::Tcp),
        }
    }
}

/// A number or a table, nothing else: serde's `untagged` would also read a table's fields
/// from an array (`[[8080, 80]]`), which the structural check refuses, so the fast path
/// must refuse it too.
impl<'de> Deserialize<'de> for PortMapping {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PortOrTable;

        impl<'de> Visitor<'de> for PortOrTable {
            type Value = PortMapping;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a port number or a table with container_port")
            }

            fn visit_i64<E: de::Error>(self, port: i64) -> Result<PortMapping, E> {
                Ok(PortMapping::Port(port))
            }

            fn visit_u64<E: de::Error>(self, port: u64) -> Result<PortMapping, E> {
                i64::try_from(port)
                    .map(PortMapping::Port)
                    .map_err(|_| E::custom("port number out of range"))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PortMapping, A::Error> {
                PortMappingTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(PortMapping::Mapping)
            }
        }

        deserializer.deserialize_any(PortOrTable)
    }
}

/// `environment_files` items: an S3 object ARN, or ECS's own shape `{ value, type = "s3" }`.
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum EnvironmentFile {
    /// The S3 object ARN of a `.env` file.
    Arn(String),
    File(EnvironmentFileTable),
}

impl EnvironmentFile {
    pub fn arn(&self) -> &str {
        match self {
            EnvironmentFile::Arn(arn) => arn,
            EnvironmentFile::File(table) => &table.value,
        }
    }
}

/// As for `PortMapping`: a string or a table, nothing else, on either path.
impl<'de> Deserialize<'de> for EnvironmentFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArnOrTable;

        impl<'de> Visitor<'de> for ArnOrTable {
            type Value = EnvironmentFile;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an S3 object ARN or a table with value and type")
            }

            fn visit_str<E: de::Error>(self, arn: &str) -> Result<EnvironmentFile, E> {
                Ok(EnvironmentFile::Arn(arn.to_string()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EnvironmentFile, A::Error> {
                EnvironmentFileTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(EnvironmentFile::File)
            }
        }

        deserializer.deserialize_any(ArnOrTable)
    }
}

ecs_enum! {
    /// Where an environment file is: ECS reads them from S3 only.
    EnvironmentFileType { S3 = "s3" }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentFileTable {
    /// The S3 object ARN of a `.env` file.
    pub value: String,
    /// s3 (the only kind ECS reads).
    #[serde(rename = "type")]
    pub kind: EnvironmentFileType,
}

/// `ephemeral_storage`: GiB as a number, or ECS's own shape `{ size_in_gib = N }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum EphemeralStorage {
    /// GiB, 21-200.
    Gib(i64),
    Table(EphemeralStorageTable),
}

impl EphemeralStorage {
    pub fn gib(self) -> i64 {
        match self {
            EphemeralStorage::Gib(size) => size,
            EphemeralStorage::Table(table) => table.size_in_gib,
        }
    }
}

impl<'de> Deserialize<'de> for EphemeralStorage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SizeOrTable;

        impl<'de> Visitor<'de> for SizeOrTable {
            type Value = EphemeralStorage;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size in GiB or a table with size_in_gib")
            }

            fn visit_i64<E: de::Error>(self, size: i64) -> Result<EphemeralStorage, E> {
                Ok(EphemeralStorage::Gib(size))
            }

            fn visit_u64<E: de::Error>(self, size: u64) -> Result<EphemeralStorage, E> {
                i64::try_from(size)
                    .map(EphemeralStorage::Gib)
                    .map_err(|_| E::custom("size out of range"))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EphemeralStorage, A::Error> {
                EphemeralStorageTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(EphemeralStorage::Table)
            }
        }

        deserializer.deserialize_any(SizeOrTable)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EphemeralStorageTable {
    /// GiB, 21-200.
    pub size_in_gib: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortMappingTable {
    /// The port the container listens on, 1-65535.
    pub container_port: i64,
    /// Must equal container_port (the task's network mode is awsvpc); usually left out.
    pub host_port: Option<i64>,
    /// tcp (default) or udp.
    pub protocol: Option<Protocol>,
    /// A name for the port (Service Connect): 1-64 of a-z, 0-9, _ and -, not starting with -;
    /// unique in the task.
    pub name: Option<String>,
    /// http, http2 or grpc (Service Connect).
    pub app_protocol: Option<AppProtocol>,
}

/// `health_check`: a command Docker runs in the container to judge it healthy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// As ECS takes it: ["CMD", "program", "arg", ...] runs the program directly,
    /// ["CMD-SHELL", "command line"] runs it with the container's shell.
    pub command: Vec<String>,
    /// Seconds between checks, 5-300 (ECS's default 30).
    pub interval: Option<i64>,
    /// Seconds a check may take, 2-120 (default 5).
    pub timeout: Option<i64>,
    /// Failures in a row before the container is unhealthy, 1-10 (default 3).
    pub retries: Option<i64>,
    /// Seconds of grace after start during which failures do not count, 0-300.
    pub start_period: Option<i64>,
}

/// `depends_on`: start this container only once another one of the task reached a state.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerDependency {
    /// The name of another container of this task.
    pub container: String,
    /// START, COMPLETE, SUCCESS or HEALTHY.
    pub condition: DependencyCondition,
}

/// One resource limit.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ulimit {
    /// The limit's name (core, cpu, ..., nofile, ...); on Fargate only nofile.
    pub name: UlimitName,
    /// 0 or more, at most hard_limit.
    pub soft_limit: i64,
    /// 0 or more; on Fargate nofile at most 1048576.
    pub hard_limit: i64,
}

/// `linux_parameters`: Linux-specific settings of a container.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinuxParameters {
    /// Run an init process as PID 1 that reaps zombies and forwards signals; ECS Exec
    /// (`enable_execute_command`) turns it on for every container.
    pub init_process_enabled: Option<bool>,
    /// Kernel capabilities to add to or drop from Docker's default set.
    pub capabilities: Option<KernelCapabilities>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KernelCapabilities {
    /// Capabilities to add; Fargate allows only SYS_PTRACE.
    #[serde(default)]
    pub add: Vec<Capability>,
    /// Capabilities to drop.
    #[serde(default)]
    pub drop: Vec<Capability>,
}

/// `mount_points`: a volume of the task mounted into this container.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MountPoint {
    /// The name of one of the task's `volumes`.
    pub source_volume: String,
    /// Where it appears in the container: an absolute path.
    pub container_path: String,
    /// Mount it read-only (default false).
    pub read_only: Option<bool>,
}

/// `volumes_from`: every volume of another container of the task, mounted here too.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolumeFrom {
    /// The name of another container of this task.
    pub source_container: String,
    /// Mount them read-only (default false).
    pub read_only: Option<bool>,
}

/// `repository_credentials`: a private registry's credentials, from Secrets Manager.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepositoryCredentials {
    /// The exact ARN of the Secrets Manager secret holding the registry's username and
    /// password; the execution role may read exactly it.
    pub credentials_parameter: String,
}

/// `firelens_configuration`: this container is the task's FireLens log router.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirelensConfiguration {
    /// fluentbit or fluentd.
    #[serde(rename = "type")]
    pub kind: FirelensType,
    /// ECS's options: `enable-ecs-log-metadata` ("true" or "false"), and together
    /// `config-file-type` ("file") and `config-file-value` (the configuration's absolute path
    /// inside the image).
    #[serde(default)]
    pub options: IndexMap<String, String>,
}

/// `runtime_platform`: the CPU architecture and operating system the task needs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuntimePlatform {
    /// X86_64 or ARM64 (ARM64 runs LINUX only).
    pub cpu_architecture: Option<CpuArchitecture>,
    /// LINUX or one of the WINDOWS_SERVER_* families.
    pub operating_system_family: Option<OperatingSystemFamily>,
}

/// One of the task's `volumes`: a bind mount (task storage, gone with the task; on EC2
/// optionally a directory of the instance) when it has no EFS configuration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// 1-255 letters, digits, - and _; unique in the task; containers mount it by this name.
    pub name: String,
    /// A bind mount; EC2 only: `source_path`, a directory of the instance to mount.
    pub host: Option<HostVolume>,
    /// Mount an EFS file system of the task's account and region.
    pub efs_volume_configuration: Option<EfsVolumeConfiguration>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostVolume {
    /// EC2 only: an absolute path on the instance (a system directory draws a warning).
    pub source_path: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EfsVolumeConfiguration {
    /// The file system's id (fs-...).
    pub file_system_id: String,
    /// The directory of the file system to mount (default its root); with an access point
    /// only "/" (the access point sets the directory).
    pub root_directory: Option<String>,
    /// ENABLED or DISABLED (ECS's default); IAM authorization and access points need it.
    pub transit_encryption: Option<Toggle>,
    /// The port for the encrypted NFS traffic, 1-65535 (with transit encryption only).
    pub transit_encryption_port: Option<i64>,
    /// IAM authorization and the access point.
    pub authorization_config: Option<EfsAuthorizationConfig>,
    /// With IAM authorization: also allow `elasticfilesystem:ClientRootAccess` (the task's
    /// root user acts as root on the file system). Default false.
    #[serde(default)]
    pub client_root_access: bool,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EfsAuthorizationConfig {
    /// An access point of the file system (fsap-...).
    pub access_point_id: Option<String>,
    /// ENABLED: mount with the task role, which then gets exactly
    /// `elasticfilesystem:ClientMount` (and `ClientWrite` where a mount point is writable)
    /// on this file system, narrowed to the access point when one is given.
    pub iam: Option<Toggle>,
}
