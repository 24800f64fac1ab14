//! Every diagnostic code trustgen reports, in one table: its name, severity, a one-line
//! summary and a long explanation with a wrong and a right spec (`trustgen explain CODE`,
//! as `rustc --explain`). A diagnostic is built from a [`Code`], so a code that is not
//! registered here cannot be reported, and its severity is the registry's.
//!
//! The explanations are Markdown files, `docs/codes/<name>.md`, compiled in: a code
//! without one does not build. Each is the text, then a wrong and a right example as TOML
//! blocks, parts of `docs/codes/base.toml`; a test checks that the wrong one really gives
//! the code and the right one does not.

use super::Severity;

/// Declares [`Code`] and its table from one line per code.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
        /// A diagnostic code, from the registry below.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the registry's order (by spec table).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name users see, `error[<name>]`, and pass to `trustgen explain`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// Whether it stops `check` and `gen` (an error) or not (a warning).
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// What the code means, in one line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// The long explanation (Markdown): what is wrong and why, a wrong example
            /// and a right one.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/docs/codes/",
                        $name,
                        ".md"
                    )),)*
                }
            }
        }
    };
}

codes! {
    // Reading the file
    TomlSyntax = "toml-syntax", Error, "the file is not valid TOML";
    WrongType = "wrong-type", Error, "a value has the wrong TOML type";
    InvalidValue = "invalid-value", Error, "a value is not one of those its key takes";
    UnknownKey = "unknown-key", Error, "a key trustgen does not know";
    MissingKey = "missing-key", Error, "a required key is missing";
    // The spec and [project]
    UnsupportedVersion = "unsupported-version", Error, "the spec's version is not 1";
    InvalidProjectName = "invalid-project-name", Error, "the project name is not 1-32 of a-z 0-9 -";
    NoFormats = "no-formats", Error, "`formats` lists no output format";
    InvalidRetention = "invalid-retention", Error, "a log retention CloudWatch Logs does not offer";
    LogRetentionUnset = "log-retention-unset", Warning, "logs are kept forever: no log_retention_days";
    InvalidRegion = "invalid-region", Error, "a value is not an AWS region";
    RegionPartitionMismatch = "region-partition-mismatch", Error, "a region outside the project's partition";
    TooManyTags = "too-many-tags", Error, "more tags than IAM allows on a role";
    DuplicateTag = "duplicate-tag", Error, "two tag keys differ only in case";
    InvalidTag = "invalid-tag", Error, "a tag key or value IAM does not accept";
    // [accounts]
    NoAccounts = "no-accounts", Error, "the spec names no account";
    InvalidName = "invalid-name", Error, "a name trustgen or IAM does not accept";
    InvalidAccountId = "invalid-account-id", Error, "an account id that is not 12 digits";
    DuplicateAccountId = "duplicate-account-id", Error, "one AWS account under two names";
    InvalidEnv = "invalid-env", Error, "an env name that is not plain ASCII";
    MissingRegion = "missing-region", Error, "an account without a region";
    DeployRoleElsewhere = "deploy-role-elsewhere", Error, "a deploy role in another account";
    InvalidArn = "invalid-arn", Error, "a value is not the ARN its key expects";
    ProductionNameWithDevAccess = "production-name-with-dev-access", Warning, "an account named like production, with developer access";
    // [dev_access]
    TagWithoutTaggedMode = "tag-without-tagged-mode", Error, "`tag` outside tagged mode";
    PrincipalsWithoutExtendedMode = "principals-without-extended-mode", Error, "`principals` outside extended and simulate modes";
    InvalidPrincipal = "invalid-principal", Error, "a developer principal that is not one exact IAM principal";
    InvalidSessionDuration = "invalid-session-duration", Error, "a session duration outside IAM's range";
    NoDevEnvironments = "no-dev-environments", Error, "dev access on, with no environment listed";
    DevAccessInProduction = "dev-access-in-production", Error, "dev access for a production-looking env";
    DevTagOutsideDev = "dev-tag-outside-dev", Error, "the dev-access tag on a role developers must not reach";
    ExtendedTrustsAccountRoot = "extended-trusts-account-root", Warning, "dev access trusts each dev account's root";
    ForeignDeveloperPrincipal = "foreign-developer-principal", Warning, "a developer principal in an account the spec does not describe";
    PermissionSetsWithoutDevAccess = "permission-sets-without-dev-access", Error, "`permission_sets` with dev access off";
    DeveloperOptionWithoutDevAccess = "developer-option-without-dev-access", Error, "a developer session option with dev access off";
    UnknownPermissionSet = "unknown-permission-set", Error, "a permission set [identity_center] does not declare";
    DuplicatePermissionSet = "duplicate-permission-set", Error, "a permission set listed twice";
    ReservedSsoPrincipal = "reserved-sso-principal", Error, "an IAM Identity Center role named as a developer principal";
    // [limits]
    InvalidLimit = "invalid-limit", Error, "a quota outside IAM's range";
    // [developers]
    DevelopersWithoutDevAccess = "developers-without-dev-access", Error, "[developers] with dev access off";
    InvalidPolicyName = "invalid-policy-name", Error, "a policy name IAM does not accept";
    InvalidRoleName = "invalid-role-name", Error, "a role name IAM does not accept";
    ReservedSsoRole = "reserved-sso-role", Error, "an IAM Identity Center role in attach_to_roles";
    NoTrustedAccounts = "no-trusted-accounts", Error, "create_role with no trusted account";
    UnknownAccount = "unknown-account", Error, "a reference to an account the spec does not name";
    TooManyManagedPolicies = "too-many-managed-policies", Error, "more managed policies than a role may attach";
    DevelopersNotTrusted = "developers-not-trusted", Error, "developer principals that no trust admits";
    DeveloperPolicyUnattached = "developer-policy-unattached", Warning, "a developer policy no principal gets";
    DeveloperRoleTrustsWorkloadAccount = "developer-role-trusts-workload-account", Warning, "the developer role trusts a workload or production account";
    // [identity_center]
    InvalidInstanceArn = "invalid-instance-arn", Error, "not an IAM Identity Center instance ARN";
    InvalidStartUrl = "invalid-start-url", Error, "not an AWS access portal URL";
    NoPermissionSets = "no-permission-sets", Error, "[identity_center] declares no permission set";
    InvalidPermissionSetName = "invalid-permission-set-name", Error, "a permission set name IAM Identity Center does not accept";
    UnusedPermissionSet = "unused-permission-set", Error, "a permission set that is no developers'";
    CustomerPolicyInPermissionSet = "customer-policy-in-permission-set", Error, "a customer managed policy by ARN in a permission set";
    InvalidGroupId = "invalid-group-id", Error, "not an Identity Store group id";
    DuplicateGroup = "duplicate-group", Error, "a group listed twice";
    PermissionSetInProduction = "permission-set-in-production", Error, "a permission set assigned in a production-looking account";
    DuplicateAccount = "duplicate-account", Error, "an account listed twice";
    PermissionSetOutsideDev = "permission-set-outside-dev", Error, "a permission set assigned outside dev access";
    PermissionSetWithoutDeveloperPolicy = "permission-set-without-developer-policy", Error, "a permission set in an account with no developer policy";
    IdentityCenterInDevAccount = "identity-center-in-dev-account", Warning, "IAM Identity Center administered from a dev-access account";
    PermissionSetWithoutAccounts = "permission-set-without-accounts", Error, "a permission set with an empty accounts list";
    // [tasks]
    MissingTaskSize = "missing-task-size", Error, "a task without the size its launch type needs";
    InvalidFargateSize = "invalid-fargate-size", Error, "a cpu and memory Fargate does not run";
    InvalidTaskSize = "invalid-task-size", Error, "task cpu below 128 units";
    InvalidFamily = "invalid-family", Error, "a task definition family ECS does not accept";
    InvalidPath = "invalid-path", Error, "an IAM path that is not a plain path";
    DevTagConflict = "dev-tag-conflict", Error, "a task tag that is the dev-access tag's key";
    SimulateBoundariesDiffer = "simulate-boundaries-differ", Error, "tasks of one simulate account with different permissions boundaries";
    AssumeRoleWildcardName = "assume-role-wildcard-name", Warning, "a task may assume every role a wildcard matches";
    RoleWithoutPermissions = "role-without-permissions", Warning, "a task role with no permissions";
    SimulatorDropsDeny = "simulator-drops-deny", Warning, "a task's Deny that the simulator role does not carry";
    // Statements and managed policies
    InvalidSid = "invalid-sid", Error, "a Sid that is not letters and digits";
    DuplicateSid = "duplicate-sid", Error, "two statements of one role with the same Sid";
    ReservedSid = "reserved-sid", Error, "a Sid trustgen gives its own statements";
    EmptyActions = "empty-actions", Error, "a statement with no actions";
    InvalidAction = "invalid-action", Error, "not an IAM action";
    UnknownService = "unknown-service", Error, "an action of a service AWS does not have";
    UnknownAction = "unknown-action", Error, "an action its service does not have";
    EmptyResources = "empty-resources", Error, "a statement with no resources";
    InvalidResource = "invalid-resource", Error, "a resource that is not an ARN or `*`";
    WrongPartition = "wrong-partition", Error, "a resource ARN in another partition";
    ActionStar = "action-star", Warning, "`Action: \"*\"`";
    IamStar = "iam-star", Warning, "every IAM action";
    IamEscalation = "iam-escalation", Warning, "IAM actions that let a role give itself more";
    PassRoleWide = "pass-role-wide", Warning, "iam:PassRole on any role";
    AssumeRoleWide = "assume-role-wide", Warning, "sts:AssumeRole on any role";
    SecretReadWide = "secret-read-wide", Warning, "reads every secret";
    WriteOnAnyResource = "write-on-any-resource", Warning, "write actions on every resource";
    AdminManagedPolicy = "admin-managed-policy", Warning, "a managed policy that administers the account";
    ActionResourceMismatch = "action-resource-mismatch", Warning, "an action that acts on none of its statement's resources";
    UnsupportedConditionKey = "unsupported-condition-key", Warning, "a condition key the statement's actions never carry";
    UsernameInRolePolicy = "username-in-role-policy", Warning, "aws:username in a role's policy, where it is never set";
    InvalidConditionOperator = "invalid-condition-operator", Error, "not an IAM condition operator";
    InvalidConditionKey = "invalid-condition-key", Error, "a condition key IAM would never find";
    InvalidConditionValue = "invalid-condition-value", Error, "a condition value its operator cannot compare";
    // [[tasks.X.containers]]
    NoContainers = "no-containers", Error, "a task without containers";
    TooManyContainers = "too-many-containers", Error, "more containers than ECS allows in a task";
    NoEssentialContainer = "no-essential-container", Error, "no essential container";
    InvalidContainerName = "invalid-container-name", Error, "a container name ECS does not accept";
    DuplicateContainer = "duplicate-container", Error, "two containers with one name";
    InvalidImage = "invalid-image", Error, "an empty image reference or one with whitespace";
    InvalidContainerSize = "invalid-container-size", Error, "a container cpu or memory ECS does not accept";
    ContainerExceedsTask = "container-exceeds-task", Error, "a container with more memory than its task";
    InvalidWorkingDirectory = "invalid-working-directory", Error, "a working directory that is not an absolute path";
    InvalidUser = "invalid-user", Error, "a container user that is not a user";
    InvalidContainerText = "invalid-container-text", Error, "a NUL character in what a container runs";
    PrivilegedNotSupported = "privileged-not-supported", Error, "a privileged container where none can run";
    LinuxOnly = "linux-only", Error, "a Linux setting on a Windows task";
    UnsupportedOnFargate = "unsupported-on-fargate", Error, "a setting Fargate does not take";
    InvalidPort = "invalid-port", Error, "a port out of range";
    DuplicatePort = "duplicate-port", Error, "one port mapped twice in a task";
    HostPortMismatch = "host-port-mismatch", Error, "a host port other than the container port in awsvpc mode";
    InvalidPortName = "invalid-port-name", Error, "a port name ECS does not accept";
    DuplicatePortName = "duplicate-port-name", Error, "one port name twice in a task";
    InvalidSecret = "invalid-secret", Error, "a secret that is not an exact parameter or secret ARN";
    PlaintextAwsCredentials = "plaintext-aws-credentials", Error, "AWS credentials in a container's environment";
    InvalidVariableName = "invalid-variable-name", Error, "not an environment variable name";
    DuplicateVariable = "duplicate-variable", Error, "a name that is both a variable and a secret";
    TooManyEnvironmentFiles = "too-many-environment-files", Error, "more environment files than ECS reads";
    InvalidEnvironmentFile = "invalid-environment-file", Error, "an environment file that is not an exact .env object";
    InvalidHealthCheck = "invalid-health-check", Error, "a health check ECS does not accept";
    UnknownContainer = "unknown-container", Error, "a reference to a container the task does not have";
    DependencyCycle = "dependency-cycle", Error, "containers that wait for each other";
    DuplicateDependency = "duplicate-dependency", Error, "one dependency listed twice";
    DependencyWithoutHealthCheck = "dependency-without-health-check", Error, "HEALTHY on a container without a health check";
    DependencyOnEssentialExit = "dependency-on-essential-exit", Error, "waiting for an essential container to exit";
    UnknownVolume = "unknown-volume", Error, "a mount of a volume the task does not declare";
    InvalidContainerPath = "invalid-container-path", Error, "a mount path that is not an absolute path";
    DuplicateMount = "duplicate-mount", Error, "one path mounted twice in a container";
    InvalidVolumesFrom = "invalid-volumes-from", Error, "a container taking volumes from itself";
    InvalidTimeout = "invalid-timeout", Error, "a start or stop timeout out of range";
    DuplicateUlimit = "duplicate-ulimit", Error, "one ulimit set twice";
    InvalidUlimit = "invalid-ulimit", Error, "a ulimit with limits ECS does not accept";
    ExecNeedsInitProcess = "exec-needs-init-process", Error, "ECS Exec with the init process turned off";
    CapabilityAddedAndDropped = "capability-added-and-dropped", Error, "a capability both added and dropped";
    TwoLogRouters = "two-log-routers", Error, "two FireLens log routers in a task";
    InvalidFirelensOption = "invalid-firelens-option", Error, "a FireLens option value ECS does not accept";
    UnknownFirelensOption = "unknown-firelens-option", Error, "not a FireLens option";
    LabelKeyIsIntrinsic = "label-key-is-intrinsic", Error, "a label key CloudFormation reads as a function";
    ReservedLabel = "reserved-label", Error, "a label in the ECS agent's namespace";
    InvalidLabel = "invalid-label", Error, "an empty label key or one with whitespace";
    WritableRootFilesystem = "writable-root-filesystem", Warning, "a container whose root filesystem is writable by default";
    ExecNeedsWritablePaths = "exec-needs-writable-paths", Warning, "ECS Exec with nowhere for its agent to write";
    HostPrivileges = "host-privileges", Warning, "a container or task with the EC2 instance's privileges";
    RootUser = "root-user", Warning, "a container that runs as root";
    SecretInEnvironment = "secret-in-environment", Warning, "a variable that looks like a secret, in plain text";
    // Task definition settings and [[tasks.X.volumes]]
    Arm64NeedsLinux = "arm64-needs-linux", Error, "ARM64 with a Windows operating system";
    FargateOnly = "fargate-only", Error, "a Fargate setting on an EC2 task";
    InvalidEphemeralStorage = "invalid-ephemeral-storage", Error, "ephemeral storage out of Fargate's range";
    InvalidVolumeName = "invalid-volume-name", Error, "a volume name ECS does not accept";
    DuplicateVolume = "duplicate-volume", Error, "two volumes with one name";
    InvalidSourcePath = "invalid-source-path", Error, "a host source path that is not an absolute path";
    TwoVolumeKinds = "two-volume-kinds", Error, "a volume that is both a bind mount and EFS";
    InvalidFileSystemId = "invalid-file-system-id", Error, "not an EFS file system id";
    InvalidRootDirectory = "invalid-root-directory", Error, "an EFS root directory that is not an absolute path";
    RootDirectoryWithAccessPoint = "root-directory-with-access-point", Error, "an EFS root directory beside an access point";
    NeedsTransitEncryption = "needs-transit-encryption", Error, "an EFS setting that needs transit encryption";
    InvalidAccessPointId = "invalid-access-point-id", Error, "not an EFS access point id";
    RootAccessWithoutIam = "root-access-without-iam", Error, "EFS root access without IAM authorization";
    UnusedVolume = "unused-volume", Warning, "a volume no container mounts";
    EfsTransitUnencrypted = "efs-transit-unencrypted", Warning, "EFS traffic unencrypted";
    // [roles]
    NoTrustedTasks = "no-trusted-tasks", Error, "a [roles] role that trusts no task";
    UnknownTask = "unknown-task", Error, "a reference to a task the spec does not name";
    DuplicateTask = "duplicate-task", Error, "a task listed twice";
    InvalidExternalId = "invalid-external-id", Error, "an ExternalId STS does not accept";
    // [terraform]
    BackendKeyUnused = "backend-key-unused", Error, "an S3 backend setting with the local backend";
    InvalidBucket = "invalid-bucket", Error, "an S3 bucket name S3 does not accept";
    InvalidKeyPrefix = "invalid-key-prefix", Error, "a state key prefix that is not a plain relative path";
    InvalidDynamodbTable = "invalid-dynamodb-table", Error, "not a DynamoDB table name";
    StateWithoutLock = "state-without-lock", Error, "Terraform state without a lock";
    InvalidRepositoryDir = "invalid-repository-dir", Error, "the output directory's place in the repository is not a plain relative path";
    RootsWaitForEachOther = "roots-wait-for-each-other", Error, "per-account Terraform roots that wait for each other";
    AccountPatternInSingleRoot = "account-pattern-in-single-root", Error, "an {account_id} state setting with the single-root layout";
    StateOutsideSpec = "state-outside-spec", Warning, "Terraform state in an account the spec does not describe";
    // [bootstrap]
    InvalidOrganizationalUnit = "invalid-organizational-unit", Error, "not an organisational unit or root id";
    DuplicateOrganizationalUnit = "duplicate-organizational-unit", Error, "an organisational unit targeted twice";
    BootstrapReachesProduction = "bootstrap-reaches-production", Error, "a StackSet target that holds production";
    BootstrapWithoutDevAccess = "bootstrap-without-dev-access", Error, "a StackSet target whose env has no developer access";
    BootstrapCarriesNothing = "bootstrap-carries-nothing", Error, "a StackSet with nothing to deploy";
    StackSetRegions = "stack-set-regions", Error, "a StackSet baseline in more than one region";
    InvalidOperationPreferences = "invalid-operation-preferences", Error, "StackSet operation preferences CloudFormation refuses";
    InvalidStackSetName = "invalid-stack-set-name", Error, "a StackSet name CloudFormation does not accept";
    ConflictingAccountFilters = "conflicting-account-filters", Error, "a StackSet target with both accounts and exclude_accounts";
    AccountFilterWithAutoDeployment = "account-filter-with-auto-deployment", Error, "a StackSet target listing accounts while auto-deployment reaches every new one";
    BootstrapAccountInSpec = "bootstrap-account-in-spec", Error, "a StackSet target naming an account the spec describes otherwise";
    StackSetTemplateTooLarge = "stack-set-template-too-large", Error, "a StackSet template body over CloudFormation's inline limit";
    StackSetInDevAccount = "stack-set-in-dev-account", Warning, "the StackSet held by a dev-access account";
    BootstrapMayOverlap = "bootstrap-may-overlap", Warning, "a spec account that a StackSet target may also reach";
    // The built model: AWS's limits, names and developer reach
    TrustPolicyTooLarge = "trust-policy-too-large", Error, "a trust policy over IAM's size limit";
    InlinePoliciesTooLarge = "inline-policies-too-large", Error, "inline policies over IAM's size limit";
    DuplicateRoleName = "duplicate-role-name", Error, "two roles with one name in an account";
    ManagedPolicyTooLarge = "managed-policy-too-large", Error, "a developer policy over IAM's size limit";
    TaskDefinitionTooLarge = "task-definition-too-large", Error, "a task definition over ECS's size limit";
    DuplicateFamily = "duplicate-family", Error, "two task definitions with one family in an account";
    SimulatorTooManyManagedPolicies = "simulator-too-many-managed-policies", Error, "a simulator role that would need too many managed policies";
    SessionPolicyTooLarge = "session-policy-too-large", Error, "a session policy over STS's size limit";
    SessionPolicyTooManyArns = "session-policy-too-many-arns", Error, "more managed session policies than STS takes";
    ReservedAccountName = "reserved-account-name", Error, "an account name a Terraform file or state key already uses";
    NameCollision = "name-collision", Error, "two things that would get the same name";
    ReservedRoleName = "reserved-role-name", Error, "a role name or path IAM reserves for the roles AWS creates";
    AttachedToOwnRole = "attached-to-own-role", Error, "the developer policy attached to a role this spec creates";
    DeveloperReachOutsideDev = "developer-reach-outside-dev", Error, "developers can reach a role outside dev-access accounts";
    UnknownReachOptIn = "unknown-reach-opt-in", Error, "an allow_developer_reach_to entry the task or role does not assume";
    UnknownReadOptIn = "unknown-read-opt-in", Error, "an allow_developer_reads entry the task or role does not read";
    DeveloperReadsOutsideDev = "developer-reads-outside-dev", Warning, "a dev-access task or role that reads data outside dev-access accounts";
}

impl Code {
    /// The code named `name`, if it is registered.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.name() == name)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Tests and callers that hold a code's name compare it directly: `d.code == "unknown-key"`.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::default();
        for code in Code::ALL {
            assert!(
                seen.insert(code.name()),
                "{} is registered twice",
                code.name()
            );
            assert!(
                code.name().split('-').all(|word| !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{} is not kebab-case",
                code.name()
            );
            assert!(
                !code.summary().is_empty() && !code.summary().ends_with('.'),
                "{}",
                code.name()
            );
            assert_eq!(Code::from_name(code.name()), Some(*code));
        }
    }
}
