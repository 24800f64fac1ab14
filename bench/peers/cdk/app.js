#!/usr/bin/env node
// Peer benchmark for trustgen: the resources trustgen's CloudFormation output holds for a
// trustgen spec (converted to JSON by bench/peers/spec2json.py), written with AWS CDK v2
// L2 constructs, the way a CDK user would write them, and synthesised with app.synth().
//
//   node app.js SPEC.json OUTDIR
//
// Per account, as trustgen does: a `developers` stack (dev-access accounts: the developer
// managed policy), `tasks` stacks (execution role(s), then per task: task role, log group,
// Fargate task definition; outputs for every role and task definition) and `trust` stacks
// (roles that task roles assume). Stacks are split where trustgen splits them (500
// resources / 200 outputs), execution roles are sharded under IAM's 10,240-character
// inline-policy limit like trustgen's. Not byte-identical to trustgen: CDK picks its own
// logical ids, writes JSON and adds its bootstrap-version parameter and rule.
//
// Nothing here changes CDK's defaults: app.synth() runs CDK's built-in CloudFormation
// template validation (on by default in current aws-cdk-lib; CDK_VALIDATION=false turns it
// off) and writes the construct tree (tree.json) and manifests next to the templates.
'use strict';

const fs = require('fs');
const cdk = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const ecs = require('aws-cdk-lib/aws-ecs');
const logs = require('aws-cdk-lib/aws-logs');
const ssm = require('aws-cdk-lib/aws-ssm');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');

const MAX_RESOURCES = 500;
const MAX_OUTPUTS = 200;
const INLINE_POLICY_CHARS = 10240;

const [specPath, outdir] = process.argv.slice(2);
if (!specPath || !outdir) {
  console.error('usage: node app.js SPEC.json OUTDIR');
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));

const project = spec.project.name;
const partition = spec.project.partition || 'aws';
const projectTags = spec.project.tags || {};
const dev = spec.dev_access || {};
const devMode = dev.mode || 'none';
const devEnvs = dev.environments || ['dev'];
const devTag = dev.tag || { key: 'env', value: 'dev' };
const mfa = dev.require_mfa ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } : undefined;
const sessionSeconds = dev.max_session_duration || 3600;
const developers = spec.developers || {};
const execName = (spec.execution_role && spec.execution_role.name) || `${project}-ecs-execution`;
const retention = spec.project.log_retention_days;

const pascal = (s) => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const isDev = (account) => devMode !== 'none' && devEnvs.includes(account.env);
const accountOf = (name) => spec.accounts[name];
const regionOf = (account) => account.region || spec.project.region;
const tasks = Object.entries(spec.tasks || {});
const roles = Object.entries(spec.roles || {});
const taskRoleName = (name, t) => t.role_name || `${project}-${name}`;
const familyOf = (name, t) => t.family || `${project}-${name}`;

// sts:AssumeRole targets of each task: the pair roles that trust it, then assume_role_arns.
const assumes = new Map();
for (const [roleName, r] of roles) {
  const arn = `arn:${partition}:iam::${accountOf(r.account).id}:role${r.path || '/'}${roleName}`;
  for (const t of r.trusted_tasks) {
    if (!assumes.has(t)) assumes.set(t, []);
    assumes.get(t).push(arn);
  }
}

function statement(s) {
  return new iam.PolicyStatement({
    sid: s.sid,
    effect: s.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
    actions: s.actions,
    resources: s.resources,
    conditions: s.condition,
  });
}

function tag(scope, tags) {
  for (const [k, v] of Object.entries(tags)) cdk.Tags.of(scope).add(k, v);
}

function output(stack, id, value, description) {
  new cdk.CfnOutput(stack, id, { value, description, exportName: `${stack.stackName}-${id}` });
}

// Splits items (each costing `resources` resources and `outputs` outputs) into stacks
// under CloudFormation's limits, in order, as trustgen does.
function pack(items) {
  const chunks = [];
  let cur = null;
  for (const item of items) {
    if (!cur || cur.resources + item.resources > MAX_RESOURCES || cur.outputs + item.outputs > MAX_OUTPUTS) {
      cur = { items: [], resources: 0, outputs: 0 };
      chunks.push(cur);
    }
    cur.items.push(item);
    cur.resources += item.resources;
    cur.outputs += item.outputs;
  }
  return chunks;
}

const stackSuffix = (i) => (i === 0 ? '' : `-${i + 1}`);

const app = new cdk.App({ outdir });

for (const [accountName, account] of Object.entries(spec.accounts)) {
  const env = { account: account.id, region: regionOf(account) };
  const accountTasks = tasks.filter(([, t]) => t.account === accountName);
  const accountRoles = roles.filter(([, r]) => r.account === accountName);
  const newStack = (kind, i) => new cdk.Stack(app, `${accountName}-${kind}${stackSuffix(i)}`, {
    env,
    stackName: `${project}-${kind}${stackSuffix(i)}`,
    description: `${kind} of project ${project} in account ${accountName} (${account.env})`,
  });

  // Stage 1: developer access (dev accounts only).
  if (isDev(account) && devMode === 'tagged') {
    const stack = newStack('developers', 0);
    const tagCondition = { StringEquals: { [`iam:ResourceTag/${devTag.key}`]: devTag.value } };
    const policy = new iam.ManagedPolicy(stack, 'DeveloperPolicy', {
      managedPolicyName: developers.policy_name || 'developer-assume-task-roles',
      description: "Lets developers assume this account's ECS task roles",
      statements: [
        new iam.PolicyStatement({
          sid: 'AssumeTaggedTaskRoles',
          actions: ['sts:AssumeRole'],
          resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' })],
          conditions: { ...tagCondition, ...(mfa || {}) },
        }),
        new iam.PolicyStatement({
          sid: 'DenyDevAccessTagging',
          effect: iam.Effect.DENY,
          actions: ['iam:CreateRole', 'iam:TagRole', 'iam:UntagRole'],
          resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' })],
          conditions: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [devTag.key] } },
        }),
      ],
      roles: (developers.attach_to_roles || []).map((n) => iam.Role.fromRoleName(stack, `Attach${pascal(n)}`, n)),
    });
    output(stack, 'DeveloperPolicyArn', policy.managedPolicyArn, 'ARN of the developer policy');
  }

  // Stage 2: execution role(s), then per task: task role, log group, task definition.
  if (accountTasks.length > 0) {
    // Shard the execution role's secret list under IAM's inline policy limit.
    const shards = [];
    let cur = null;
    for (const [name, t] of accountTasks) {
      const arns = (t.containers || []).flatMap((c) => Object.values(c.secrets || {}));
      const next = cur ? cur.arns.concat(arns) : arns;
      const size = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'ReadSsmParameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: next }] }).length;
      if (!cur || size > INLINE_POLICY_CHARS) {
        cur = { arns: [], tasks: [] };
        shards.push(cur);
      }
      cur.arns.push(...arns);
      cur.tasks.push(name);
    }
    const shardOf = new Map();
    shards.forEach((s, i) => {
      s.name = i === 0 ? execName : `${execName}-${i + 1}`;
      s.id = i === 0 ? 'ExecutionRole' : `ExecutionRole${i + 1}`;
      for (const t of s.tasks) shardOf.set(t, s);
    });

    const items = shards.map((s) => ({ kind: 'exec', shard: s, resources: 1, outputs: 1 }))
      .concat(accountTasks.map(([name, t]) => ({ kind: 'task', name, t, resources: 3, outputs: 2 })));
    const execRoles = new Map(); // shard name -> Role (in the first stack)
    pack(items).forEach((chunk, i) => {
      const stack = newStack('tasks', i);
      const execRef = new Map();
      const execRoleFor = (shard) => {
        if (execRoles.has(shard.name) && cdk.Stack.of(execRoles.get(shard.name)) === stack) {
          return execRoles.get(shard.name).withoutPolicyUpdates();
        }
        if (!execRef.has(shard.name)) {
          const arn = `arn:${partition}:iam::${account.id}:role/${shard.name}`;
          execRef.set(shard.name, iam.Role.fromRoleArn(stack, `${shard.id}Ref`, arn, { mutable: false }));
        }
        return execRef.get(shard.name);
      };
      for (const item of chunk.items) {
        if (item.kind === 'exec') {
          const ssmArns = item.shard.arns.filter((a) => a.split(':')[2] === 'ssm');
          const smArns = item.shard.arns.filter((a) => a.split(':')[2] === 'secretsmanager');
          const statements = [];
          if (ssmArns.length) statements.push(new iam.PolicyStatement({ sid: 'ReadSsmParameters', actions: ['ssm:GetParameters'], resources: ssmArns }));
          if (smArns.length) statements.push(new iam.PolicyStatement({ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: smArns }));
          const role = new iam.Role(stack, item.shard.id, {
            roleName: item.shard.name,
            description: "ECS task execution role: pulls images, writes logs, reads the tasks' secrets",
            assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
            managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSTaskExecutionRolePolicy')],
            inlinePolicies: statements.length ? { 'read-task-secrets': new iam.PolicyDocument({ statements }) } : undefined,
          });
          tag(role, projectTags);
          execRoles.set(item.shard.name, role);
          output(stack, `${item.shard.id}Arn`, role.roleArn, `ARN of role ${item.shard.name}`);
          continue;
        }
        const { name, t } = item;
        const id = pascal(name);
        const roleName = taskRoleName(name, t);
        const family = familyOf(name, t);

        // Task role: trusts ECS of this account only (confused-deputy guard) and, in dev
        // accounts, the account root (developers, through the tagged developer policy).
        const role = new iam.Role(stack, `${id}TaskRole`, {
          roleName,
          path: t.path || '/',
          description: `ECS task role of ${name}`,
          maxSessionDuration: cdk.Duration.seconds(sessionSeconds),
          assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
            conditions: {
              StringEquals: { 'aws:SourceAccount': account.id },
              ArnLike: { 'aws:SourceArn': `arn:${partition}:ecs:${env.region}:${account.id}:*` },
            },
          }),
          managedPolicies: (t.managed_policies || []).map((arn, k) => iam.ManagedPolicy.fromManagedPolicyArn(stack, `${id}Managed${k}`, arn)),
          permissionsBoundary: t.permissions_boundary ? iam.ManagedPolicy.fromManagedPolicyArn(stack, `${id}Boundary`, t.permissions_boundary) : undefined,
          inlinePolicies: {
            'task-permissions': new iam.PolicyDocument({
              statements: (t.statements || []).map(statement).concat(
                assumes.has(name) || t.assume_role_arns
                  ? [new iam.PolicyStatement({ sid: 'AssumeRoles', actions: ['sts:AssumeRole'], resources: (assumes.get(name) || []).concat(t.assume_role_arns || []) })]
                  : [],
              ),
            }),
          },
        });
        if (isDev(account)) {
          role.assumeRolePolicy.addStatements(new iam.PolicyStatement({
            sid: 'DeveloperAccess',
            actions: ['sts:AssumeRole'],
            principals: [new iam.AccountRootPrincipal()],
            conditions: mfa,
          }));
        }
        tag(role, { ...projectTags, ...(t.tags || {}), ...(isDev(account) && devMode === 'tagged' ? { [devTag.key]: devTag.value } : {}) });

        const logGroup = new logs.LogGroup(stack, `${id}LogGroup`, {
          logGroupName: `/ecs/${family}`,
          retention: retention,
        });

        const taskDef = new ecs.FargateTaskDefinition(stack, `${id}TaskDefinition`, {
          family,
          cpu: t.cpu,
          memoryLimitMiB: t.memory,
          taskRole: role,
          executionRole: execRoleFor(shardOf.get(name)),
        });
        (t.containers || []).forEach((c) => {
          const secrets = {};
          for (const [env, arn] of Object.entries(c.secrets || {})) {
            const service = arn.split(':')[2];
            if (service === 'ssm') {
              const parameterName = arn.split(':parameter')[1];
              secrets[env] = ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, `${id}${pascal(c.name)}${env}`, { parameterName }));
            } else {
              secrets[env] = ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, `${id}${pascal(c.name)}${env}`, arn));
            }
          }
          taskDef.addContainer(c.name, {
            containerName: c.name,
            image: ecs.ContainerImage.fromRegistry(c.image),
            essential: c.essential !== false,
            cpu: c.cpu,
            memoryLimitMiB: c.memory,
            command: c.command,
            portMappings: (c.port_mappings || []).map((p) => ({ containerPort: p })),
            environment: c.environment,
            secrets,
            logging: c.logs === false ? undefined : ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'ecs' }),
          });
        });
        output(stack, `${id}TaskRoleArn`, role.roleArn, `ARN of role ${roleName}`);
        output(stack, `${id}TaskDefinitionArn`, taskDef.taskDefinitionArn, `ARN of task definition ${family}`);
      }
    });
  }

  // Stage 3: roles that task roles (of any account) assume, with an ExternalId.
  if (accountRoles.length > 0) {
    pack(accountRoles.map(([name, r]) => ({ name, r, resources: 1, outputs: 1 }))).forEach((chunk, i) => {
      const stack = newStack('trust', i);
      for (const { name, r } of chunk.items) {
        const id = pascal(name);
        const principals = r.trusted_tasks.map((tn) => {
          const t = spec.tasks[tn];
          return new iam.ArnPrincipal(`arn:${partition}:iam::${accountOf(t.account).id}:role${t.path || '/'}${taskRoleName(tn, t)}`);
        });
        const role = new iam.Role(stack, `${id}Role`, {
          roleName: name,
          path: r.path || '/',
          description: `Assumed by the ECS task roles of ${r.trusted_tasks.join(', ')}`,
          maxSessionDuration: cdk.Duration.seconds(r.max_session_duration || 3600),
          assumedBy: principals.length === 1 ? principals[0] : new iam.CompositePrincipal(...principals),
          externalIds: r.external_id ? [r.external_id] : undefined,
          managedPolicies: (r.managed_policies || []).map((arn, k) => iam.ManagedPolicy.fromManagedPolicyArn(stack, `${id}Managed${k}`, arn)),
          inlinePolicies: r.statements ? { permissions: new iam.PolicyDocument({ statements: r.statements.map(statement) }) } : undefined,
        });
        tag(role, { ...projectTags, ...(r.tags || {}) });
        output(stack, `${id}RoleArn`, role.roleArn, `ARN of role ${name}`);
      }
    });
  }
}

app.synth();
