#!/usr/bin/env python3
"""A second org generator for orgc's benchmarks (org format v1), written from the
format's specification apart from `examples/gen-org`, so that the figures in
BENCHMARKS.md are also measured on an org of another shape than gen-org's.

usage: python3 scripts/other_org.py --accounts N --seed S --out DIR [--change-assignments P]
       (N >= 200)

Writes DIR/org/*.toml and DIR/policies/*.json.hbs. Deterministic per seed.
Shape: ~18 mostly flat OUs (a few huge ones, one branch nested five deep),
accounts over six files, hub-and-spoke network on three Transit Gateways
where accounts of one segment reach each other through an inspection appliance.
"""
import argparse
import ipaddress
import os
import random

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def q(s):
    """TOML basic string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def qlist(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def qtable(d):
    return "{ " + ", ".join(f"{k} = {q(v)}" for k, v in d.items()) + " }" if d else "{}"


def key(name):
    ok = all(c.isalnum() or c in "_-" for c in name)
    return name if ok else q(name)


def sel(accounts=None, ous=None, tags=None, all_=False, exclude=None):
    parts = []
    if accounts:
        parts.append("accounts = " + qlist(accounts))
    if ous:
        parts.append("ous = " + qlist(ous))
    if tags:
        parts.append("tags = " + qtable(tags))
    if all_:
        parts.append("all = true")
    if exclude:
        parts.append("exclude = " + qlist(exclude))
    return "{ " + ", ".join(parts) + " }"


# ---------------------------------------------------------------------------
# static shape
# ---------------------------------------------------------------------------

# (name, parent, segment, weight) -- weight = share of the generic accounts
OUS = [
    ("infrastructure", None, "platform", 0.0),
    ("security", None, None, 0.0),
    ("prod", None, "prod", 0.24),          # very large, flat
    ("nonprod", None, "nonprod", 0.22),    # very large, flat
    ("sandbox", None, "sandbox", 0.12),
    ("data", None, "data", 0.09),
    ("corp", None, "corp", 0.06),
    ("partners", None, "corp", 0.025),
    ("research", None, "nonprod", 0.03),
    ("legacy", None, "nonprod", 0.025),
    ("staging", None, "nonprod", 0.05),
    ("quarantine", None, "quarantine", 0.012),
    ("suspended", None, None, 0.008),
    # the deep branch: regulated > regulated-eu > payments > pci > pci-core
    ("regulated", None, "prod", 0.015),
    ("regulated-eu", "regulated", "prod", 0.015),
    ("payments", "regulated-eu", "prod", 0.02),
    ("pci", "payments", "prod", 0.015),
    ("pci-core", "pci", "prod", 0.015),
]
OU_SEG = {n: s for n, _, s, _ in OUS}
PCI_OUS = ["pci"]  # selects pci and pci-core

GATEWAYS = [("hub-eu", "eu-west-1", 64700, "network"),
            ("hub-us", "us-east-1", 4200000101, "network-us"),
            ("hub-ap", "ap-southeast-2", 65010, "network-ap")]
GW_WEIGHTS = [0.5, 0.3, 0.2]
SEGMENTS = ["platform", "prod", "nonprod", "data", "corp", "sandbox", "quarantine"]
SEG_INDEX = {s: i for i, s in enumerate(SEGMENTS)}

# special accounts: name -> (ou, segment/gateway spec)
SPECIAL = [
    ("management", None),
    ("network", "infrastructure"),
    ("network-us", "infrastructure"),
    ("network-ap", "infrastructure"),
    ("shared-services", "infrastructure"),
    ("monitoring-eu", "infrastructure"),
    ("monitoring-us", "infrastructure"),
    ("monitoring-ap", "infrastructure"),
    ("tooling", "infrastructure"),
    ("build", "infrastructure"),
    ("release", "infrastructure"),
    ("security", "security"),
    ("log-archive", "security"),
    ("audit-vault", "security"),
    ("identity", "security"),
]
# platform spokes: account -> gateway index
PLATFORM_SPOKES = [("shared-services", 0), ("monitoring-eu", 0), ("monitoring-us", 1),
                   ("monitoring-ap", 2), ("tooling", 0), ("build", 0), ("release", 0),
                   ("network-us", 1), ("network-ap", 2), ("security", 0)]

AWS_READ = ["ReadOnlyAccess", "job-function/ViewOnlyAccess", "SecurityAudit",
            "job-function/SupportUser", "AmazonS3ReadOnlyAccess", "AmazonEC2ReadOnlyAccess",
            "CloudWatchReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess"]
AWS_WRITE = ["PowerUserAccess", "job-function/SystemAdministrator",
             "job-function/DatabaseAdministrator", "job-function/NetworkAdministrator",
             "job-function/DataScientist", "job-function/Billing"]
CUSTOMER_POLICIES = {"corp-baseline-read": "read", "corp-tagging-write": "write"}

REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2"]
COST = ["cc-%04d" % i for i in range(1000, 1040)]


# ---------------------------------------------------------------------------
# policy templates
# ---------------------------------------------------------------------------

def templates():
    t = {}
    # permission-set templates (no `account` in the context)
    t["team-write"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {{#if vars.allow_exec}}
    {
      "Sid": "ExecIntoTasks",
      "Effect": "Allow",
      "Action": ["ecs:DescribeTasks", "ecs:ExecuteCommand"],
      "Resource": "arn:{{org.partition}}:ecs:{{org.home_region}}:*:task/{{vars.app_prefix}}-*/*"
    },
    {{/if}}
    {
      "Sid": "OperateServices",
      "Effect": "Allow",
      "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
      "Resource": "arn:{{org.partition}}:ecs:{{org.home_region}}:*:service/{{vars.app_prefix}}-*/*"
    },
    {
      "Sid": "EditParameters",
      "Effect": "Allow",
      "Action": ["ssm:GetParameter", "ssm:GetParametersByPath", "ssm:PutParameter"],
      "Resource": {{json vars.parameter_arn}}
    },
    {
      "Sid": "PassAppRoles",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:{{org.partition}}:iam::*:role/app/{{vars.app_prefix}}-*",
      "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    },
    {
      "Sid": "TagEverythingWeOwn",
      "Effect": "Allow",
      "Action": ["tag:TagResources", "tag:GetResources"],
      "Resource": "*",
      "Condition": {"StringLike": {
        {{#each vars}}"aws:RequestTag/{{@key}}": "{{this}}"{{#unless @last}},{{/unless}}
        {{/each}}
      }}
    },
    {
      "Sid": "DenyOutsideRegions",
      "Effect": "Deny",
      "NotAction": ["iam:*", "sts:*", "support:*", "health:*", "cloudfront:*", "route53:*"],
      "Resource": "*",
      "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["{{org.home_region}}", "us-east-1", "ap-southeast-2"]}}
    }
  ]
}
"""
    t["team-read"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadLogs",
      "Effect": "Allow",
      "Action": ["logs:FilterLogEvents", "logs:GetLogEvents", "logs:GetQueryResults", "logs:StartQuery", "logs:StopQuery"],
      "Resource": "*"
    },
    {{#if vars.allow_metrics}}
    {
      "Sid": "ReadMetrics",
      "Effect": "Allow",
      "Action": ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
      "Resource": "*"
    },
    {{/if}}
    {
      "Sid": "ReadArtifacts",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": [{{#each vars}}"arn:{{../org.partition}}:s3:::{{../vars.artifact_bucket}}/{{@key}}/*"{{#unless @last}}, {{/unless}}{{/each}}]
    }
  ]
}
"""
    t["data-science"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "QueryLake",
      "Effect": "Allow",
      "Action": ["athena:StartQueryExecution", "athena:GetQueryResults", "athena:GetQueryExecution", "glue:GetTable", "glue:GetDatabase"],
      "Resource": "*"
    },
    {
      "Sid": "ReadLake",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": [{{json vars.lake_bucket_arn}}, "{{vars.lake_bucket_arn}}/*"]
    }
  ]
}
"""
    t["assume-org-readonly"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeOrgReadonly",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": "arn:{{org.partition}}:iam::*:role/org-readonly"
    }
  ]
}
"""
    t["release-manager"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "StartReleaseChain",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": "arn:{{org.partition}}:iam::{{vars.tooling_account_id}}:role/chain/chain-1"
    },
    {
      "Sid": "ReadPipelines",
      "Effect": "Allow",
      "Action": ["codepipeline:GetPipeline", "codepipeline:ListPipelines", "codepipeline:GetPipelineState"],
      "Resource": "*"
    }
  ]
}
"""
    t["platform-no-iam"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "EverythingButIdentity",
      "Effect": "Allow",
      "NotAction": ["iam:*", "organizations:*", "account:*"],
      "Resource": "*"
    }
  ]
}
"""
    t["sandbox-owner"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "BuildInSandbox",
      "Effect": "Allow",
      "Action": ["ec2:RunInstances", "ec2:TerminateInstances", "ec2:Describe*", "s3:CreateBucket", "s3:PutObject", "lambda:CreateFunction", "lambda:InvokeFunction"],
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:RequestedRegion": "{{org.home_region}}"}}
    }
  ]
}
"""
    # role templates (rendered per target account: `account` is in the context)
    for k in range(1, 6):
        nxt = k + 1
        if nxt <= 5:
            acct_var = ["tooling", "build", "release", "shared_services", "monitoring_eu"][nxt - 1]
            res = f'"arn:{{{{org.partition}}}}:iam::{{{{vars.{acct_var}_account_id}}}}:role/chain/chain-{nxt}"'
        else:
            res = '"arn:{{org.partition}}:iam::*:role/chain/chain-6"'
        t[f"chain-hop-{k}"] = f"""{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "AssumeNextHop",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": {res}
    }},
    {{
      "Sid": "ReadOwnLogs",
      "Effect": "Allow",
      "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
      "Resource": "arn:{{{{org.partition}}}}:logs:{{{{org.home_region}}}}:{{{{account.id}}}}:log-group:/chain/*"
    }}
  ]
}}
"""
    t["chain-final"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadReleaseState",
      "Effect": "Allow",
      "Action": ["ecs:DescribeServices", "ecs:ListServices", "cloudformation:DescribeStacks"],
      "Resource": "*"
    }{{#if account.tags.pci}},
    {
      "Sid": "ReadPciEvidence",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:{{org.partition}}:s3:::pci-evidence-{{account.id}}/*"
    }{{/if}}
  ]
}
"""
    t["monitoring-collector"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeReaders",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": "arn:{{org.partition}}:iam::*:role/monitoring/monitoring-reader"
    },
    {
      "Sid": "PublishMetrics",
      "Effect": "Allow",
      "Action": "cloudwatch:PutMetricData",
      "Resource": "*",
      "Condition": {"StringEquals": {"cloudwatch:namespace": "{{vars.metrics_namespace}}"}}
    }
  ]
}
"""
    t["monitoring-reader"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadMetrics",
      "Effect": "Allow",
      "Action": ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms"],
      "Resource": "*"
    },
    {
      "Sid": "ReadLogs",
      "Effect": "Allow",
      "Action": ["logs:FilterLogEvents", "logs:GetLogEvents"],
      "Resource": "arn:{{org.partition}}:logs:{{org.home_region}}:{{account.id}}:log-group:*"
    }
  ]
}
"""
    t["forensics"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadAuditTrail",
      "Effect": "Allow",
      "Action": ["cloudtrail:LookupEvents", "config:GetResourceConfigHistory", "guardduty:GetFindings", "guardduty:ListFindings"],
      "Resource": "*"
    },
    {
      "Sid": "ReadAccountLogs",
      "Effect": "Allow",
      "Action": ["logs:FilterLogEvents", "logs:GetLogEvents"],
      "Resource": "arn:{{org.partition}}:logs:{{org.home_region}}:{{account.id}}:log-group:*"
    }
  ]
}
"""
    t["config-reader"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DescribeTaggedResources",
      "Effect": "Allow",
      "Action": ["config:DescribeConfigRules", "tag:GetResources", "ec2:DescribeInstances"],
      "Resource": "*",
      "Condition": {"StringEquals": {
        {{#each account.tags}}"aws:ResourceTag/{{@key}}": "{{this}}"{{#unless @last}},
        {{/unless}}{{/each}}
      }}
    }
  ]
}
"""
    t["app-task"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadOwnParameters",
      "Effect": "Allow",
      "Action": ["ssm:GetParameter", "ssm:GetParametersByPath"],
      "Resource": "arn:{{org.partition}}:ssm:{{org.home_region}}:{{account.id}}:parameter/{{vars.app_prefix}}/{{account.tags.environment}}/*"
    },
    {{#if account.tags.writes_queue}}
    {
      "Sid": "SendToQueue",
      "Effect": "Allow",
      "Action": "sqs:SendMessage",
      "Resource": "arn:{{org.partition}}:sqs:{{org.home_region}}:{{account.id}}:{{vars.app_prefix}}-*"
    },
    {{/if}}
    {
      "Sid": "ReadSecrets",
      "Effect": "Allow",
      "Action": "secretsmanager:GetSecretValue",
      "Resource": "arn:{{org.partition}}:secretsmanager:{{org.home_region}}:{{account.id}}:secret:{{vars.app_prefix}}/*"
    }
  ]
}
"""
    t["deployer"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "RegisterTaskDefinitions",
      "Effect": "Allow",
      "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"],
      "Resource": "*"
    },
    {
      "Sid": "RollOut",
      "Effect": "Allow",
      "Action": ["ecs:UpdateService", "ecs:DescribeServices"],
      "Resource": "arn:{{org.partition}}:ecs:{{org.home_region}}:{{account.id}}:service/*/*"
    },
    {
      "Sid": "PassTaskRoles",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:{{org.partition}}:iam::{{account.id}}:role/app/*"
    }
  ]
}
"""
    t["ci-runner"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "HandOffToDeployers",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": "arn:{{org.partition}}:iam::*:role/deploy/deployer-nonprod"
    },
    {
      "Sid": "WriteArtifacts",
      "Effect": "Allow",
      "Action": ["s3:PutObject", "s3:GetObject"],
      "Resource": "arn:{{org.partition}}:s3:::{{vars.artifact_bucket}}/*"
    }
  ]
}
"""
    t["backup"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "SnapshotVolumes",
      "Effect": "Allow",
      "Action": ["ec2:CreateSnapshot", "ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
      "Resource": "*"
    }
  ]
}
"""
    t["data-pipeline"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeDataReaders",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Resource": "arn:{{org.partition}}:iam::*:role/data/data-reader"
    },
    {
      "Sid": "RunJobs",
      "Effect": "Allow",
      "Action": ["glue:StartJobRun", "glue:GetJobRun"],
      "Resource": "arn:{{org.partition}}:glue:{{org.home_region}}:{{account.id}}:job/*"
    }
  ]
}
"""
    t["data-reader"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadTables",
      "Effect": "Allow",
      "Action": ["glue:GetTable", "glue:GetTables", "s3:GetObject"],
      "Resource": "*"
    }
  ]
}
"""
    t["svc-read"] = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadQueues",
      "Effect": "Allow",
      "Action": ["sqs:ReceiveMessage", "sqs:GetQueueAttributes"],
      "Resource": "arn:{{org.partition}}:sqs:*:{{account.id}}:{{account.name}}-*"
    }{{#each account.tags}}{{#if (eq @key "owner")}},
    {
      "Sid": "ReadOwnerBucket",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:{{../org.partition}}:s3:::{{this}}-{{../account.id}}/*"
    }{{/if}}{{/each}}
  ]
}
"""
    return t


# ---------------------------------------------------------------------------
# generator
# ---------------------------------------------------------------------------


class Gen:
    def __init__(self, n, seed, change_percent=0.0):
        self.n = n
        self.seed = seed
        self.change_percent = change_percent
        self.r = random.Random(seed)
        self.files = {}

    def out(self, fname, text):
        self.files.setdefault(fname, []).append(text)

    # -- accounts -----------------------------------------------------------
    def make_accounts(self):
        r = self.r
        n = self.n
        ids = r.sample(range(100000000000, 999999999999), n + 10)
        self.ids = ids
        self.accounts = []  # dicts
        generic = n - len(SPECIAL)
        weights = [(name, w) for name, _, _, w in OUS if w > 0]
        tot = sum(w for _, w in weights)
        counts = {name: int(generic * w / tot) for name, w in weights}
        rem = generic - sum(counts.values())
        counts["prod"] += rem
        self.n_teams = max(12, round(n * 0.05))
        self.teams = ["team-%03d" % i for i in range(self.n_teams)]
        idx = 0
        for name, ou in SPECIAL:
            a = dict(name=name, id="%012d" % ids[idx], ou=ou, seg=None, gw=None,
                     team=None, special=True)
            idx += 1
            if ou == "infrastructure":
                a["tags"] = {"environment": "infrastructure", "owner": "platform",
                             "cost-center": "cc-1100"}
            elif ou == "security":
                a["tags"] = {"environment": "security", "owner": "security",
                             "cost-center": "cc-2000"}
            else:
                a["tags"] = {"environment": "management", "owner": "platform"}
            self.accounts.append(a)
        envmap = {"prod": "production", "nonprod": "development", "sandbox": "sandbox",
                  "data": "production", "corp": "production", "quarantine": "quarantine"}
        for ouname, _, seg, w in OUS:
            if w <= 0:
                continue
            for i in range(counts[ouname]):
                team = r.choice(self.teams)
                gw = None
                if seg is not None:
                    x = r.random()
                    gw = 0 if x < GW_WEIGHTS[0] else (1 if x < GW_WEIGHTS[0] + GW_WEIGHTS[1] else 2)
                a = dict(name="%s-%04d" % (ouname, i), id="%012d" % ids[idx], ou=ouname,
                         seg=seg, gw=gw, team=team, special=False)
                idx += 1
                env = envmap.get(seg, "suspended")
                if ouname == "staging":
                    env = "staging"
                tags = {"environment": env, "owner": team, "cost-center": r.choice(COST)}
                if seg:
                    tags["segment"] = seg
                    tags["tgw"] = GATEWAYS[gw][0]
                if ouname in ("pci", "pci-core"):
                    tags["pci"] = "true"
                    tags["environment"] = "production-pci"
                if r.random() < 0.3:
                    tags["writes_queue"] = "yes"
                if r.random() < 0.15:
                    tags["data-class"] = r.choice(["internal", "confidential", "public"])
                a["tags"] = tags
                self.accounts.append(a)
        self.by_name = {a["name"]: a for a in self.accounts}

    # -- organization ---------------------------------------------------------
    def write_org(self):
        b = self.by_name
        lines = ["# generated by other_org.py: organisation, Identity Center, OUs", ""]
        lines += ["[organization]", 'name = "Other Generated Corp"',
                  'id = "o-zq9x8w7v6u5t"', 'management_account = "management"',
                  'partition = "aws"', 'home_region = "eu-west-1"', ""]
        lines.append("[organization.vars]")
        vars_ = {
            "app_prefix": "orders",
            "artifact_bucket": "other-corp-artifacts",
            "parameter_arn": "arn:aws:ssm:eu-west-1:*:parameter/orders/*",
            "lake_bucket_arn": "arn:aws:s3:::other-corp-lake",
            "metrics_namespace": "Other/Workloads",
            "allow_exec": "yes",
            "allow_metrics": "",
            "tooling_account_id": b["tooling"]["id"],
            "build_account_id": b["build"]["id"],
            "release_account_id": b["release"]["id"],
            "shared_services_account_id": b["shared-services"]["id"],
            "monitoring_eu_account_id": b["monitoring-eu"]["id"],
        }
        for k in sorted(vars_):
            lines.append(f"{k} = {q(vars_[k])}")
        lines += ["", "[organization.managed_policy_levels]"]
        for k in sorted(CUSTOMER_POLICIES):
            lines.append(f"{q(k)} = {q(CUSTOMER_POLICIES[k])}")
        lines += ["", "[organization.limits]", "managed_policies_per_role = 12",
                  "trust_policy_chars = 4096", ""]
        lines += ["[identity_center]",
                  'instance_arn = "arn:aws:sso:::instance/ssoins-0123456789abcdef"',
                  'identity_store_id = "d-90670abcde"', 'region = "eu-west-1"',
                  'delegated_admin = "identity"', ""]
        for name, parent, seg, _ in OUS:
            lines.append(f"[ous.{key(name)}]")
            if parent:
                lines.append(f"parent = {q(parent)}")
            lines.append(f"description = {q('OU ' + name + (' (segment ' + seg + ')' if seg else ''))}")
            lines.append("")
        self.out("00-organization.toml", "\n".join(lines))

        # six account files
        nfiles = 6
        chunks = [[] for _ in range(nfiles)]
        for i, a in enumerate(self.accounts):
            chunks[min(nfiles - 1, i * nfiles // len(self.accounts))].append(a)
        for fi, chunk in enumerate(chunks):
            L = [f"# generated accounts, part {fi + 1} of {nfiles}", ""]
            for a in chunk:
                L.append(f"[accounts.{key(a['name'])}]")
                L.append(f"id = {q(a['id'])}")
                L.append(f"email = {q('aws+' + a['name'] + '@other.example.com')}")
                if a["ou"]:
                    L.append(f"ou = {q(a['ou'])}")
                L.append(f"tags = {qtable(a['tags'])}")
                if not a["special"] and self.r.random() < 0.05:
                    L.append(f"vars = {{ app_prefix = {q('svc' + a['name'][-4:])} }}")
                L.append("")
            self.out(f"1{fi}-accounts-{fi + 1}.toml", "\n".join(L))

    # -- identity -------------------------------------------------------------
    def write_identity(self):
        r = self.r
        n = self.n
        L = ["# generated identity: groups, users, permission sets", ""]
        n_groups = max(28, round(n * 0.056))
        n_users = max(40, round(n * 0.4))
        fixed_groups = ["platform-admins", "security-engineers", "pci-operators", "auditors",
                        "finops", "release-managers", "network-engineers", "data-stewards"]
        n_prodops = max(4, n_groups // 14)
        self.prodops = ["prod-operators-%02d" % i for i in range(n_prodops)]
        groups = fixed_groups + self.prodops + list(self.teams)
        k = 0
        while len(groups) < n_groups:
            groups.append("guild-%03d" % k)
            k += 1
        self.groups = groups
        for g in groups:
            L.append(f"[groups.{key(g)}]")
            L.append(f"display_name = {q('aws-' + g)}")
            if r.random() < 0.3:
                L.append(f"description = {q('Group ' + g)}")
            L.append("")
        first = ["ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo",
                 "kofi", "lena", "mo", "nia", "omar", "pia", "quinn", "raj", "sara", "tomas"]
        users = ["breakglass-1", "breakglass-2"]
        i = 0
        while len(users) < n_users:
            users.append("%s.u%04d" % (first[i % len(first)], i))
            i += 1
        self.users = users
        for u in users:
            L.append(f"[users.{key(u)}]")
            L.append(f"user_name = {q(u + '@other.example.com')}")
            L.append("")

        # permission sets, each with a level: read / write / admin / assume
        ps = {}  # name -> (level, lines)

        def add(name, level, body):
            assert len(name) <= 32
            ps[name] = level
            L.append(f"[permission_sets.{key(name)}]")
            L.extend(body)
            L.append("")

        add("AdministratorAccess", "admin", ['description = "Full admin, platform admins only."',
                                             'session_duration = "PT1H"',
                                             'managed_policies = ["AdministratorAccess"]',
                                             'tags = { risk = "high" }'])
        add("PlatformNoIam", "admin", ['description = "Everything but identity, for platform admins."',
                                       'session_duration = "PT2H"', 'inline_policy = "platform-no-iam"',
                                       'acknowledge = ["orgc::lint::allow-not-action"]'])
        add("ReleaseManager", "assume", ['description = "Starts the release chain."',
                                         'session_duration = "PT4H"',
                                         'managed_policies = ["job-function/ViewOnlyAccess"]',
                                         'inline_policy = "release-manager"'])
        add("OrgReader", "assume", ['description = "Assumes org-readonly in any account."',
                                    'managed_policies = ["SecurityAudit"]',
                                    'inline_policy = "assume-org-readonly"'])
        add("SandboxOwner", "write", ['description = "Owner of a sandbox account."',
                                      'session_duration = "PT12H"',
                                      'managed_policies = ["job-function/ViewOnlyAccess"]',
                                      'inline_policy = "sandbox-owner"',
                                      'permissions_boundary = { managed = "PowerUserAccess" }'])
        add("DataScience", "write", ['description = "Query the data lake."',
                                     'session_duration = "PT8H"',
                                     'managed_policies = ["job-function/DataScientist", "AmazonS3ReadOnlyAccess"]',
                                     'inline_policy = "data-science"'])
        self.read_sets, self.write_sets = [], []
        n_ps = max(30, round(n / 50))
        i = 0
        while len(ps) < n_ps:
            kind = i % 5
            if kind in (0, 1):  # read sets
                name = "Read%03d" % i
                mp = r.sample(AWS_READ, r.randint(1, 3))
                body = [f"description = {q('Read set ' + str(i))}",
                        f'session_duration = "PT{r.randint(1, 12)}H"',
                        f"managed_policies = {qlist(mp)}"]
                if kind == 1:
                    body.append('inline_policy = "team-read"')
                    body.append('permissions_boundary = { managed = "ReadOnlyAccess" }')
                if i % 7 == 0:
                    body.append(f'relay_state = "https://{REGIONS[i % 3]}.console.aws.amazon.com/console/home"')
                add(name, "read", body)
                self.read_sets.append(name)
            elif kind in (2, 3):  # write sets
                name = "Write%03d" % i
                mp = r.sample(AWS_WRITE[1:], r.randint(1, 2)) + r.sample(AWS_READ, 1)
                body = [f"description = {q('Team write set ' + str(i))}",
                        f'session_duration = "PT{r.randint(1, 8)}H"',
                        f"managed_policies = {qlist(mp)}",
                        'inline_policy = "team-write"',
                        'permissions_boundary = { managed = "PowerUserAccess" }']
                if i % 6 == 2:
                    body.append('customer_managed_policies = [{ name = "corp-tagging-write", path = "/corp/" }]')
                    body[-2] = 'permissions_boundary = { customer_managed = { name = "corp-tagging-write", path = "/corp/" } }'
                add(name, "write", body)
                self.write_sets.append(name)
            else:  # mixed read with customer-managed policy
                name = "Mixed%03d" % i
                body = [f"description = {q('Mixed read set ' + str(i))}",
                        'managed_policies = ["ReadOnlyAccess"]',
                        'customer_managed_policies = [{ name = "corp-baseline-read" }]',
                        f"tags = {{ team = {q(r.choice(self.teams))} }}"]
                add(name, "read", body)
                self.read_sets.append(name)
            i += 1
        self.out("20-identity.toml", "\n".join(L))

    # -- assignments ------------------------------------------------------------
    def write_assignments(self):
        r = self.r
        n = self.n
        blocks = []

        def text(ps, groups=None, users=None, targets=None):
            s = ["[[assignments]]", f"permission_set = {q(ps)}"]
            if groups:
                s.append(f"groups = {qlist(groups)}")
            if users:
                s.append(f"users = {qlist(users)}")
            s.append(f"targets = {targets}")
            return "\n".join(s) + "\n"

        def block(ps, groups=None, users=None, targets=None):
            blocks.append(text(ps, groups, users, targets))

        # The team blocks, which --change-assignments may give another permission
        # set of the same kind: (index, the sets it was drawn from, its arguments).
        changeable = []

        block("AdministratorAccess", groups=["platform-admins"], targets=sel(all_=True, exclude=["management"]))
        block("AdministratorAccess", users=["breakglass-1", "breakglass-2"], targets=sel(accounts=["identity"]))
        block("PlatformNoIam", groups=["platform-admins"], targets=sel(ous=["infrastructure"]))
        block("Read000", groups=["auditors"], targets=sel(all_=True, exclude=["management"]))
        block("Read001", groups=["finops"], targets=sel(tags={"environment": "production"}))
        block("ReleaseManager", groups=["release-managers"], targets=sel(accounts=["tooling"]))
        block("OrgReader", groups=["security-engineers"], targets=sel(accounts=["security"]))
        block(self.write_sets[0], groups=["security-engineers"], targets=sel(ous=["security"]))
        block(self.write_sets[1], groups=["pci-operators"], targets=sel(ous=PCI_OUS))
        block(self.read_sets[2], groups=["pci-operators", "data-stewards"], targets=sel(ous=["regulated"]))
        block("DataScience", groups=["data-stewards"], targets=sel(ous=["data"], tags={"data-class": "public", "segment": "corp"}))
        block(self.write_sets[2], groups=["network-engineers"],
              targets=sel(accounts=["network", "network-us", "network-ap"], tags={"environment": "infrastructure"}))
        # prod operators: write in prod by tag (prod is guarded at admin level)
        for i, g in enumerate(self.prodops):
            block(self.write_sets[(i + 3) % len(self.write_sets)], groups=[g],
                  targets=sel(tags={"environment": "production", "tgw": GATEWAYS[i % 3][0]},
                              exclude=None))

        # per-team account pools
        team_accts = {t: {"w": [], "rd": [], "sb": []} for t in self.teams}
        for a in self.accounts:
            if a["special"] or a["ou"] in ("suspended",):
                continue
            t = a["team"]
            if a["ou"] in ("pci", "pci-core"):
                team_accts[t]["rd"].append(a["name"])
            elif a["ou"] == "sandbox":
                team_accts[t]["sb"].append(a["name"])
            elif a["seg"] == "prod":
                team_accts[t]["rd"].append(a["name"])
            else:
                team_accts[t]["w"].append(a["name"])
        sandbox = [a["name"] for a in self.accounts if a["ou"] == "sandbox"]
        target_blocks = round(n * 1.3)
        team_users = {t: [] for t in self.teams}
        for u in self.users[2:]:
            team_users[r.choice(self.teams)].append(u)
        others = [g for g in self.groups if g.startswith("guild-")]
        # sandbox owners: one user per sandbox account (users named one by one)
        for j, acc in enumerate(sandbox):
            if len(blocks) >= target_blocks * 0.15:
                break
            block("SandboxOwner", users=[self.users[2 + (j * 7) % (len(self.users) - 2)]],
                  targets=sel(accounts=[acc]))
        teams = list(self.teams)
        ti = 0
        while len(blocks) < target_blocks:
            t = teams[ti % len(teams)]
            ti += 1
            pool = team_accts[t]
            x = r.random()
            principals_g = [t]
            principals_u = None
            if r.random() < 0.2 and team_users[t]:
                principals_u = r.sample(team_users[t], min(len(team_users[t]), r.randint(1, 3)))
            if r.random() < 0.1 and others:
                principals_g.append(r.choice(others))
            if x < 0.55 and pool["w"]:
                ps = r.choice(self.write_sets[3:])
                accs = r.sample(pool["w"], min(len(pool["w"]), r.randint(2, 9)))
            elif x < 0.9 and pool["rd"]:
                ps = r.choice(self.read_sets)
                accs = r.sample(pool["rd"], min(len(pool["rd"]), r.randint(2, 9)))
            elif pool["sb"]:
                ps = r.choice(self.write_sets[3:])
                accs = r.sample(pool["sb"], min(len(pool["sb"]), r.randint(1, 4)))
            else:
                continue
            if r.random() < 0.03:
                targets = sel(accounts=sorted(accs), tags={"owner": t, "environment": "staging"})
            else:
                targets = sel(accounts=sorted(accs))
            sets = self.write_sets[3:] if ps in self.write_sets else self.read_sets
            changeable.append((len(blocks), sets, (principals_g, principals_u, targets)))
            block(ps, groups=principals_g, users=principals_u, targets=targets)
        # The second version of the org for `diff`: a share of the team blocks given
        # another permission set of the same kind (drawn apart from the org's own
        # draws, so that everything else stays the same).
        if self.change_percent > 0:
            c = random.Random(self.seed * 1_000_003 + 17)
            count = max(1, round(len(blocks) * self.change_percent / 100))
            for i, sets, (g, u, targets) in c.sample(changeable, min(count, len(changeable))):
                current = blocks[i].split("\n")[1]
                others = [x for x in sets if f"permission_set = {q(x)}" != current]
                blocks[i] = text(c.choice(others), groups=g, users=u, targets=targets)
        # split over two files
        half = len(blocks) // 2
        self.out("21-assignments-a.toml", "# generated assignments (1/2)\n\n" + "\n".join(blocks[:half]))
        self.out("22-assignments-b.toml", "# generated assignments (2/2)\n\n" + "\n".join(blocks[half:]))
        self.n_blocks = len(blocks)

    # -- roles ------------------------------------------------------------------
    def write_roles(self):
        r = self.r
        L = ["# generated cross-account roles", ""]

        def role(name, targets, trusts, path=None, desc=None, managed=None, inline=None,
                 boundary=None, tags=None, maxs=None, ack=None):
            L.append(f"[roles.{key(name)}]")
            L.append(f"description = {q(desc or ('Role ' + name))}")
            if path:
                L.append(f"path = {q(path)}")
            L.append(f"targets = {targets}")
            if maxs:
                L.append(f"max_session_duration = {maxs}")
            if managed:
                L.append(f"managed_policies = {qlist(managed)}")
            if inline:
                L.append("inline_policies = { " + ", ".join(f"{k} = {q(v)}" for k, v in inline.items()) + " }")
            if boundary:
                L.append(f"permissions_boundary = {boundary}")
            if tags:
                L.append(f"tags = {qtable(tags)}")
            if ack:
                L.append(f"acknowledge = {qlist(ack)}")
            L.append("")
            for tr in trusts:
                L.append(f"[[roles.{key(name)}.trust]]")
                L.extend(tr)
                L.append("")

        # the six-hop chain: ReleaseManager@tooling -> chain-1 .. chain-6
        chain_accts = ["tooling", "build", "release", "shared-services", "monitoring-eu"]
        role("chain-1", sel(accounts=["tooling"]),
             [['permission_set = "ReleaseManager"', 'accounts = ["tooling"]'],
              ['service = "codepipeline.amazonaws.com"']],
             path="/chain/", inline={"hop": "chain-hop-1"}, tags={"chain": "1"})
        for k in range(2, 6):
            role(f"chain-{k}", sel(accounts=[chain_accts[k - 1]]),
                 [[f'role = "chain-{k - 1}"', f"accounts = [{q(chain_accts[k - 2])}]"]],
                 path="/chain/", inline={"hop": f"chain-hop-{k}"}, tags={"chain": str(k)})
        role("chain-6", sel(ous=["prod"]),
             [['role = "chain-5"', 'accounts = ["monitoring-eu"]']],
             path="/chain/", inline={"final": "chain-final"}, managed=["job-function/ViewOnlyAccess"],
             tags={"chain": "6"})

        mons = ["monitoring-eu", "monitoring-us", "monitoring-ap"]
        role("monitoring-collector", sel(accounts=mons),
             [['service = "ecs-tasks.amazonaws.com"']], path="/monitoring/",
             inline={"collect": "monitoring-collector"})
        role("monitoring-reader", sel(all_=True), [['role = "monitoring-collector"', f"accounts = {qlist(mons)}"]],
             path="/monitoring/", inline={"read": "monitoring-reader"})
        role("incident-responder", sel(all_=True), [['account = "security"', "require_mfa = true"]],
             managed=["SecurityAudit"], inline={"forensics": "forensics"}, maxs=14400,
             tags={"owner": "security"})
        role("acme-audit", sel(all_=True),
             [['external_account = "444455556666"', 'external_id = "OtherCorp-acme-7f3e"',
               'conditions = { IpAddress = { "aws:SourceIp" = ["203.0.113.0/24"] } }']],
             managed=["SecurityAudit", "job-function/ViewOnlyAccess"], tags={"vendor": "acme"})
        role("org-readonly", sel(all_=True),
             [['permission_set = "OrgReader"', 'accounts = ["security"]']],
             managed=["job-function/ViewOnlyAccess"], maxs=7200)
        role("config-recorder", sel(all_=True), [['service = "config.amazonaws.com"']],
             inline={"describe": "config-reader"}, path="/service-role/")
        role("app-task-prod", sel(ous=["prod"]), [['service = "ecs-tasks.amazonaws.com"']],
             path="/app/", inline={"task": "app-task"})
        role("app-task-nonprod", sel(ous=["nonprod", "staging"]), [['service = "ecs-tasks.amazonaws.com"']],
             path="/app/", inline={"task": "app-task"})
        role("ci-runner", sel(accounts=["build"]), [['service = "codebuild.amazonaws.com"']],
             inline={"run": "ci-runner"})
        role("deployer-nonprod", sel(ous=["nonprod", "staging", "research"]),
             [['role = "ci-runner"', 'accounts = ["build"]']], path="/deploy/",
             inline={"deploy": "deployer"})
        role("deployer-prod", sel(ous=["prod"]),
             [['permission_set = "AdministratorAccess"', 'accounts = ["tooling", "release"]']],
             path="/deploy/", inline={"deploy": "deployer"},
             boundary='{ managed = "PowerUserAccess" }', tags={"risk": "high"})
        role("backup-operator", sel(ous=["prod", "data"], tags={"environment": "staging"}),
             [['service = "backup.amazonaws.com"']], inline={"snap": "backup"})
        data = [a["name"] for a in self.accounts if a["ou"] == "data"]
        pipe = data[:3]
        role("data-pipeline", sel(accounts=pipe), [['service = "glue.amazonaws.com"']],
             path="/data/", inline={"jobs": "data-pipeline"})
        role("data-reader", sel(ous=["data"]), [['role = "data-pipeline"', f"accounts = {qlist(pipe)}"]],
             path="/data/", inline={"read": "data-reader"})
        role("pci-scanner", sel(ous=PCI_OUS),
             [['external_account = "777788889999"', 'external_id = "pci-qsa-2026-9c1d"', "require_mfa = false"]],
             managed=["SecurityAudit"])
        role("security-baseline", sel(ous=["security", "infrastructure", "prod", "regulated"]),
             [['account = "audit-vault"', 'conditions = { StringEquals = { "aws:PrincipalTag/team" = "security" } }']],
             managed=["job-function/ViewOnlyAccess"], inline={"forensics": "forensics"})
        role("partner-readonly", sel(ous=["partners"]),
             [['external_account = "123123123123"', 'external_id = "partner-xyz-001"']],
             managed=["ReadOnlyAccess"])
        role("sandbox-operator", sel(ous=["sandbox"]),
             [['permission_set = "SandboxOwner"', f"accounts = {qlist(sorted(r.sample([a['name'] for a in self.accounts if a['ou'] == 'sandbox'], 3)))}"]],
             managed=["job-function/ViewOnlyAccess"])
        role("network-observer", sel(ous=["infrastructure"]),
             [['account = "network"', "require_mfa = true"]],
             managed=["job-function/NetworkAdministrator"])
        # filler service roles to reach ~40 roles
        services = ["lambda.amazonaws.com", "ec2.amazonaws.com", "events.amazonaws.com",
                    "states.amazonaws.com", "sagemaker.amazonaws.com", "firehose.amazonaws.com",
                    "batch.amazonaws.com", "scheduler.amazonaws.com", "codedeploy.amazonaws.com",
                    "elasticmapreduce.amazonaws.com", "apigateway.amazonaws.com",
                    "datasync.amazonaws.com", "ssm.amazonaws.com", "kinesis.amazonaws.com",
                    "logs.amazonaws.com", "sns.amazonaws.com"]
        svc_ous = ["corp", "research", "legacy", "data", "staging", "partners", "quarantine",
                   "nonprod", "payments", "regulated-eu"]
        for k, svc in enumerate(services):
            ou = svc_ous[k % len(svc_ous)]
            role("svc-%02d" % k, sel(ous=[ou]) if k % 4 else sel(tags={"writes_queue": "yes", "segment": ["nonprod", "data", "corp", "sandbox"][k // 4]}),
                 [[f"service = {q(svc)}"]], path="/svc/", inline={"read": "svc-read"},
                 managed=r.sample(AWS_READ[4:], 1))
        self.out("30-roles.toml", "\n".join(L))

    # -- network ----------------------------------------------------------------
    def write_network(self):
        r = self.r
        L = ["# generated network: three hubs, inspection appliance per hub", ""]
        seg_net = {}
        for g, (gw, region, asn, owner) in enumerate(GATEWAYS):
            base = 64 * g
            for s in SEGMENTS:
                seg_net[(g, s)] = ipaddress.ip_network(f"10.{base + 8 * SEG_INDEX[s]}.0.0/13")
            seg_net[(g, "inspection")] = ipaddress.ip_network(f"10.{base + 56}.0.0/16")
        next24 = {k: 0 for k in seg_net}

        def alloc(g, s, size):
            """size in /24 units, 1, 2 or 4 (aligned)."""
            net = seg_net[(g, s)]
            pos = next24[(g, s)]
            pos = (pos + size - 1) // size * size
            next24[(g, s)] = pos + size
            if (pos + size) * 256 > net.num_addresses:
                raise SystemExit(f"segment {s} on gateway {g} is full")
            start = int(net.network_address) + pos * 256
            plen = {1: 24, 2: 23, 4: 22}[size]
            return str(ipaddress.ip_network(f"{ipaddress.ip_address(start)}/{plen}"))

        spokes = []  # dicts
        # inspection appliances: all in the one internet-facing account
        for g, (gw, *_rest) in enumerate(GATEWAYS):
            spokes.append(dict(name=f"inspection-{gw[4:]}", account="network", g=g,
                               cidrs=[str(seg_net[(g, 'inspection')])], associate="inspection",
                               propagate=["platform"] + [s for s in SEGMENTS if s not in ("platform", "quarantine")],
                               appliance=True, internet="both"))
        for acc, g in PLATFORM_SPOKES:
            spokes.append(dict(name=f"{acc}-vpc", account=acc, g=g, cidrs=[alloc(g, "platform", 2)],
                               associate="platform",
                               propagate=["inspection", "platform", "prod", "nonprod", "data", "corp", "sandbox"],
                               internet="egress" if acc == "shared-services" else None,
                               vpc_routes=["10.0.0.0/8"] if acc.startswith("monitoring") else None))
        for a in self.accounts:
            seg = a["seg"]
            if seg is None or a["special"]:
                continue
            g = a["gw"]
            nsp = 2 if r.random() < 0.045 else 1
            for j in range(nsp):
                x = r.random()
                if x < 0.85:
                    cidrs = [alloc(g, seg, 1)]
                elif x < 0.95:
                    cidrs = [alloc(g, seg, 2)]
                else:
                    cidrs = [alloc(g, seg, 1), alloc(g, seg, 1)]
                if seg == "quarantine":
                    prop = []
                else:
                    prop = ["inspection", "platform"]
                sp = dict(name=a["name"] + ("-vpc" if j == 0 else "-vpc2"), account=a["name"], g=g,
                          cidrs=cidrs, associate=seg, propagate=prop,
                          internet="egress" if r.random() < 0.1 else None)
                spokes.append(sp)
        self.spokes = spokes

        for g, (gw, region, asn, owner) in enumerate(GATEWAYS):
            insp = f"inspection-{gw[4:]}"
            L.append(f"[transit_gateways.{gw}]")
            L.append(f"account = {q(owner)}")
            L.append(f"region = {q(region)}")
            L.append(f"asn = {asn}")
            L.append("")
            private_bh = [("10.0.0.0/8", None), ("172.16.0.0/12", None), ("192.168.0.0/16", None)]

            def table(name, routes):
                L.append(f"[transit_gateways.{gw}.route_tables.{name}]")
                if routes is None:
                    L.append("")
                    return
                L.append("routes = [")
                for dst, att in routes:
                    if att is None:
                        L.append(f"  {{ destination = {q(dst)}, blackhole = true }},")
                    else:
                        L.append(f"  {{ destination = {q(dst)}, attachment = {q(att)} }},")
                L.append("]")
                L.append("")

            sn = lambda s: str(seg_net[(g, s)])
            table("inspection", [("172.16.0.0/12", None), ("192.168.0.0/16", None)])
            table("platform", [("0.0.0.0/0", insp)] + private_bh)
            # shared services on the eu hub also pinned by a static route in prod
            prod_routes = [(sn("prod"), insp), (sn("nonprod"), None), (sn("sandbox"), None),
                           ("0.0.0.0/0", insp)] + private_bh
            if g == 0:
                ss = next(s for s in spokes if s["name"] == "shared-services-vpc")
                prod_routes.append((ss["cidrs"][0], "shared-services-vpc"))
            table("prod", prod_routes)
            table("nonprod", [(sn("nonprod"), insp), (sn("prod"), None), ("0.0.0.0/0", insp)] + private_bh)
            table("data", [(sn("data"), insp), ("0.0.0.0/0", insp)] + private_bh)
            table("corp", [(sn("corp"), insp), (sn("data"), insp), ("0.0.0.0/0", insp)] + private_bh)
            table("sandbox", [(sn("sandbox"), None), ("0.0.0.0/0", insp)] + private_bh)
            table("quarantine", [("0.0.0.0/0", None)])

        for sp in spokes:
            gw = GATEWAYS[sp["g"]][0]
            L.append(f"[spokes.{key(sp['name'])}]")
            L.append(f"account = {q(sp['account'])}")
            L.append(f"transit_gateway = {q(gw)}")
            L.append(f"cidrs = {qlist(sp['cidrs'])}")
            L.append(f"associate = {q(sp['associate'])}")
            L.append(f"propagate = {qlist(sp['propagate'])}")
            if sp.get("appliance"):
                L.append("appliance = true")
            if sp.get("internet"):
                L.append(f"internet = {q(sp['internet'])}")
            if sp.get("vpc_routes"):
                L.append(f"vpc_routes = {qlist(sp['vpc_routes'])}")
            L.append("")
        half = len(L) // 2
        # split at a blank line
        while L[half] != "":
            half += 1
        self.out("40-network-a.toml", "\n".join(L[:half]))
        self.out("41-network-b.toml", "\n".join(L[half:]))

    # -- guardrails ---------------------------------------------------------------
    def write_guardrails(self):
        G = []

        def gr(name, kind, body):
            G.append(f"[[guardrails]]\nname = {q(name)}\n{kind} = {body}\n")

        insp = [f"inspection-{gw[4:]}" for gw, *_ in GATEWAYS]
        nonprod_ous = ["nonprod", "research", "legacy", "staging"]
        prod_ous = ["prod", "regulated"]
        gr("nonprod-cannot-reach-prod", "deny_network",
           f"{{ from = {sel(ous=nonprod_ous)}, to = {sel(ous=prod_ous)} }}")
        gr("prod-cannot-reach-nonprod", "deny_network",
           f"{{ from = {sel(ous=prod_ous)}, to = {sel(ous=nonprod_ous)} }}")
        gr("sandbox-isolated", "deny_network",
           f"{{ from = {sel(ous=['sandbox'])}, to = {sel(ous=prod_ous + nonprod_ous + ['data', 'corp'])} }}")
        gr("quarantine-reaches-nothing", "deny_network",
           f"{{ from = {sel(ous=['quarantine'])}, to = {sel(all_=True, exclude=None)} }}")
        gr("nothing-reaches-quarantine", "deny_network",
           f"{{ from = {sel(all_=True)}, to = {sel(ous=['quarantine'])} }}")
        gr("data-does-not-call-corp", "deny_network",
           f"{{ from = {sel(ous=['data'])}, to = {sel(ous=['corp', 'partners'])} }}")
        gr("prod-east-west-only-through-inspection", "deny_network",
           f"{{ from = {sel(tags={'tgw': 'hub-eu', 'segment': 'prod'})}, to = {sel(tags={'tgw': 'hub-eu', 'segment': 'prod'})}, via = {qlist(insp)} }}")
        # require_network: the monitoring VPC of each hub reaches its workloads
        for g, (gw, *_r) in enumerate(GATEWAYS):
            seg = ["prod", "nonprod", "data"][g]
            gr(f"monitoring-{gw[4:]}-reaches-{seg}", "require_network",
               f"{{ from = {sel(accounts=['monitoring-' + gw[4:]])}, to = {sel(tags={'tgw': gw, 'segment': seg})} }}")
        gr("shared-services-reaches-corp", "require_network",
           f"{{ from = {sel(accounts=['shared-services'])}, to = {sel(tags={'tgw': 'hub-eu', 'segment': 'corp'})} }}")
        bg = ["group:platform-admins", "user:breakglass-1", "user:breakglass-2"]
        gr("only-platform-admins-administer-prod", "deny_access",
           f"{{ to = {sel(ous=prod_ous)}, level = \"admin\", except = {qlist(bg)} }}")
        gr("only-pci-operators-write-pci", "deny_access",
           f"{{ to = {sel(ous=PCI_OUS)}, level = \"write\", except = {qlist(bg + ['group:pci-operators'])} }}")
        gr("security-ou-write-locked", "deny_access",
           f"{{ to = {sel(ous=['security'])}, level = \"write\", except = {qlist(bg + ['group:security-engineers'])} }}")
        gr("one-front-door", "internet_ingress", f"{{ only = {sel(accounts=['network'])} }}")
        gr("ingress-only-in-infrastructure", "internet_ingress", f"{{ only = {sel(ous=['infrastructure'])} }}")
        self.n_guardrails = len(G)
        self.out("50-guardrails.toml", "# generated guardrails\n\n" + "\n".join(G))

    def write(self, outdir):
        self.make_accounts()
        self.write_org()
        self.write_identity()
        self.write_assignments()
        self.write_roles()
        self.write_network()
        self.write_guardrails()
        od = os.path.join(outdir, "org")
        pd = os.path.join(outdir, "policies")
        os.makedirs(od, exist_ok=True)
        os.makedirs(pd, exist_ok=True)
        for fname in sorted(self.files):
            with open(os.path.join(od, fname), "w", newline="\n") as f:
                f.write("\n".join(self.files[fname]).rstrip("\n") + "\n")
        for name, text in sorted(templates().items()):
            with open(os.path.join(pd, name + ".json.hbs"), "w", newline="\n") as f:
                f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--accounts", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--change-assignments", type=float, default=0.0, metavar="PERCENT",
                    help="give this share of the assignment blocks another permission set "
                         "(the second version of the org, for `orgc diff`)")
    a = ap.parse_args()
    if a.accounts < 200:
        raise SystemExit("--accounts must be at least 200")
    g = Gen(a.accounts, a.seed, a.change_assignments)
    g.write(a.out)
    print(f"accounts={len(g.accounts)} ous={len(OUS)} groups={len(g.groups)} users={len(g.users)} "
          f"assignment_blocks={g.n_blocks} spokes={len(g.spokes)} guardrails={g.n_guardrails}")


if __name__ == "__main__":
    main()
