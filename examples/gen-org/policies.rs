//! Policy templates of the generated org: statements built from a pool of
//! capabilities, each with its own actions, so no template repeats an action (the lint
//! would call a statement redundant) and the access level of every template is known
//! when it is written. Every action name is a real one of `data/iam-actions.tsv`.

/// One statement of a template. `{BU}` in a resource is replaced by the business
/// unit's name; the rest is Handlebars for orgc to render.
#[derive(Clone)]
pub struct Cap {
    pub sid: &'static str,
    pub deny: bool,
    pub not_action: bool,
    pub actions: &'static [&'static str],
    pub resources: &'static [&'static str],
    /// `(operator, key, values)`.
    pub condition: Option<(&'static str, &'static str, &'static [&'static str])>,
}

const fn allow(
    sid: &'static str,
    actions: &'static [&'static str],
    resources: &'static [&'static str],
) -> Cap {
    Cap {
        sid,
        deny: false,
        not_action: false,
        actions,
        resources,
        condition: None,
    }
}

/// Read and list actions only: templates made of these are `read`.
pub const READ: &[Cap] = &[
    allow(
        "ReadServices",
        &[
            "ecs:DescribeServices",
            "ecs:DescribeTasks",
            "ecs:ListServices",
        ],
        &["*"],
    ),
    allow(
        "ReadLogs",
        &["logs:FilterLogEvents", "logs:GetLogEvents"],
        &["arn:{{org.partition}}:logs:{{org.home_region}}:*:log-group:/{{vars.log_prefix}}/{BU}/*"],
    ),
    allow(
        "ReadMetrics",
        &[
            "cloudwatch:DescribeAlarms",
            "cloudwatch:GetMetricData",
            "cloudwatch:ListMetrics",
        ],
        &["*"],
    ),
    allow(
        "ReadTraces",
        &[
            "xray:BatchGetTraces",
            "xray:GetServiceGraph",
            "xray:GetTraceSummaries",
        ],
        &["*"],
    ),
    allow(
        "ReadParameters",
        &[
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:GetParametersByPath",
        ],
        &["arn:{{org.partition}}:ssm:{{org.home_region}}:*:parameter/{BU}/*"],
    ),
    allow(
        "ReadArtifacts",
        &["s3:GetObject"],
        &["arn:{{org.partition}}:s3:::{{vars.artifact_bucket}}/{BU}/*"],
    ),
    allow(
        "ListArtifacts",
        &["s3:ListBucket"],
        &["arn:{{org.partition}}:s3:::{{vars.artifact_bucket}}"],
    ),
    allow(
        "ReadTables",
        &[
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:Query",
        ],
        &["arn:{{org.partition}}:dynamodb:{{org.home_region}}:*:table/{BU}-*"],
    ),
    allow(
        "ReadQueries",
        &["athena:GetQueryExecution", "athena:GetQueryResults"],
        &["arn:{{org.partition}}:athena:{{org.home_region}}:*:workgroup/{BU}-*"],
    ),
    allow(
        "ReadCatalog",
        &["glue:GetDatabase", "glue:GetTable", "glue:GetTables"],
        &["*"],
    ),
    allow(
        "ReadSecretMetadata",
        &["secretsmanager:DescribeSecret"],
        &["arn:{{org.partition}}:secretsmanager:{{org.home_region}}:*:secret:{BU}/*"],
    ),
    allow("ReadDatabases", &["rds:Describe*"], &["*"]),
    allow(
        "ReadFunctions",
        &["lambda:GetFunction", "lambda:List*"],
        &["*"],
    ),
    allow(
        "ReadClusters",
        &["eks:Describe*", "eks:ListClusters"],
        &["*"],
    ),
    allow("ReadHealth", &["health:DescribeEvents"], &["*"]),
    allow(
        "ReadStacks",
        &["cloudformation:DescribeStacks", "cloudformation:List*"],
        &["*"],
    ),
    allow(
        "ReadLoadBalancers",
        &["elasticloadbalancing:Describe*"],
        &["*"],
    ),
    allow("ReadCaches", &["elasticache:Describe*"], &["*"]),
    allow(
        "ReadStreams",
        &["kinesis:DescribeStream", "kinesis:GetRecords"],
        &["arn:{{org.partition}}:kinesis:{{org.home_region}}:*:stream/{BU}-*"],
    ),
    allow(
        "ReadPipelines",
        &["codebuild:BatchGetBuilds", "codepipeline:GetPipelineState"],
        &["*"],
    ),
];

/// Write actions of ordinary services (no permissions management): templates with
/// one of these are `write`.
pub const WRITE: &[Cap] = &[
    allow(
        "OperateServices",
        &["ecs:UpdateService"],
        &["arn:{{org.partition}}:ecs:{{org.home_region}}:*:service/{BU}-*/*"],
    ),
    allow(
        "ExecIntoTasks",
        &["ecs:ExecuteCommand"],
        &[
            "arn:{{org.partition}}:ecs:{{org.home_region}}:*:cluster/{BU}-*",
            "arn:{{org.partition}}:ecs:{{org.home_region}}:*:task/{BU}-*/*",
        ],
    ),
    allow(
        "EditParameters",
        &["ssm:PutParameter"],
        &["arn:{{org.partition}}:ssm:{{org.home_region}}:*:parameter/{BU}/*"],
    ),
    allow(
        "WriteArtifacts",
        &["s3:PutObject"],
        &["arn:{{org.partition}}:s3:::{{vars.artifact_bucket}}/{BU}/*"],
    ),
    allow(
        "WriteTables",
        &["dynamodb:PutItem", "dynamodb:UpdateItem"],
        &["arn:{{org.partition}}:dynamodb:{{org.home_region}}:*:table/{BU}-*"],
    ),
    allow(
        "RunQueries",
        &["athena:StartQueryExecution"],
        &["arn:{{org.partition}}:athena:{{org.home_region}}:*:workgroup/{BU}-*"],
    ),
    allow(
        "DeployFunctions",
        &["lambda:InvokeFunction", "lambda:UpdateFunctionCode"],
        &["arn:{{org.partition}}:lambda:{{org.home_region}}:*:function:{BU}-*"],
    ),
    allow(
        "PublishEvents",
        &["sns:Publish", "sqs:SendMessage"],
        &[
            "arn:{{org.partition}}:sns:{{org.home_region}}:*:{BU}-*",
            "arn:{{org.partition}}:sqs:{{org.home_region}}:*:{BU}-*",
        ],
    ),
    allow(
        "ManageStacks",
        &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
        &["arn:{{org.partition}}:cloudformation:{{org.home_region}}:*:stack/{BU}-*/*"],
    ),
    allow(
        "StartPipelines",
        &[
            "codebuild:StartBuild",
            "codepipeline:StartPipelineExecution",
        ],
        &[
            "arn:{{org.partition}}:codebuild:{{org.home_region}}:*:project/{BU}-*",
            "arn:{{org.partition}}:codepipeline:{{org.home_region}}:*:{BU}-*",
        ],
    ),
    Cap {
        sid: "ScaleOwnGroups",
        deny: false,
        not_action: false,
        actions: &["autoscaling:SetDesiredCapacity"],
        resources: &["*"],
        condition: Some(("StringEquals", "aws:ResourceTag/bu", &["{BU}"])),
    },
    Cap {
        sid: "ManageOwnInstances",
        deny: false,
        not_action: false,
        actions: &[
            "ec2:RebootInstances",
            "ec2:StartInstances",
            "ec2:StopInstances",
        ],
        resources: &["arn:{{org.partition}}:ec2:{{org.home_region}}:*:instance/*"],
        condition: Some(("StringEquals", "aws:ResourceTag/bu", &["{BU}"])),
    },
];

/// Keeps work in the organisation's regions; global services are exempt.
pub const DENY_REGION: Cap = Cap {
    sid: "DenyOutsideOrgRegions",
    deny: true,
    not_action: true,
    actions: &[
        "iam:*",
        "sts:*",
        "support:*",
        "health:*",
        "cloudfront:*",
        "route53:*",
        "organizations:*",
        "budgets:*",
        "ce:*",
    ],
    resources: &["*"],
    condition: Some((
        "StringNotEquals",
        "aws:RequestedRegion",
        &["{{org.home_region}}", "{{vars.secondary_region}}"],
    )),
};

pub const DENY_TAMPERING: Cap = Cap {
    sid: "DenyTrailAndOrgTampering",
    deny: true,
    not_action: false,
    actions: &[
        "cloudtrail:DeleteTrail",
        "cloudtrail:StopLogging",
        "organizations:LeaveOrganization",
    ],
    resources: &["*"],
    condition: None,
};

pub const DENY_SENSITIVE_DATA: Cap = Cap {
    sid: "DenySensitiveData",
    deny: true,
    not_action: false,
    actions: &["s3:GetObject"],
    resources: &["arn:{{org.partition}}:s3:::{{vars.sensitive_bucket_prefix}}*/*"],
    condition: None,
};

pub const DENY_LARGE_INSTANCES: Cap = Cap {
    sid: "DenyLargeInstances",
    deny: true,
    not_action: false,
    actions: &["ec2:RunInstances"],
    resources: &["arn:{{org.partition}}:ec2:*:*:instance/*"],
    condition: Some((
        "StringNotLike",
        "ec2:InstanceType",
        &["t3.*", "t4g.*", "m6i.large"],
    )),
};

/// A JSON string literal (the values here never need escaping beyond quotes).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn list(items: &[String], indent: &str) -> String {
    if items.len() == 1 {
        return items[0].clone();
    }
    let inner: Vec<String> = items.iter().map(|i| format!("{indent}  {i}")).collect();
    format!("[\n{}\n{indent}]", inner.join(",\n"))
}

/// The text of a policy template with these statements; `bu` replaces `{BU}`.
pub fn template(caps: &[Cap], bu: &str) -> String {
    let statements: Vec<String> = caps
        .iter()
        .map(|c| {
            let sub = |s: &str| quoted(&s.replace("{BU}", bu));
            let actions: Vec<String> = c.actions.iter().map(|a| sub(a)).collect();
            let resources: Vec<String> = c.resources.iter().map(|r| sub(r)).collect();
            let mut fields = vec![
                format!("      \"Sid\": {}", quoted(c.sid)),
                format!(
                    "      \"Effect\": \"{}\"",
                    if c.deny { "Deny" } else { "Allow" }
                ),
                format!(
                    "      \"{}\": {}",
                    if c.not_action { "NotAction" } else { "Action" },
                    list(&actions, "      ")
                ),
                format!("      \"Resource\": {}", list(&resources, "      ")),
            ];
            if let Some((op, key, values)) = c.condition {
                let values: Vec<String> = values.iter().map(|v| sub(v)).collect();
                fields.push(format!(
                    "      \"Condition\": {{\n        {}: {{\n          {}: {}\n        }}\n      }}",
                    quoted(op),
                    quoted(key),
                    list(&values, "          ")
                ));
            }
            format!("    {{\n{}\n    }}", fields.join(",\n"))
        })
        .collect();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statements.join(",\n")
    )
}

/// Templates rendered once per account for the generated roles, by name. Those that
/// name `account.*` render a different text in every account; the others render the
/// same text everywhere.
pub fn role_templates() -> Vec<(&'static str, String)> {
    let t = |caps: &[Cap]| template(caps, "");
    vec![
        (
            "role-incident-forensics",
            t(&[
                allow(
                    "ReadAuditTrail",
                    &["cloudtrail:LookupEvents", "config:GetResourceConfigHistory"],
                    &["*"],
                ),
                allow(
                    "ReadFindings",
                    &[
                        "guardduty:GetFindings",
                        "guardduty:ListFindings",
                        "securityhub:GetFindings",
                    ],
                    &["*"],
                ),
                allow(
                    "QueryAccountLogs",
                    &[
                        "logs:FilterLogEvents",
                        "logs:GetLogEvents",
                        "logs:GetQueryResults",
                        "logs:StartQuery",
                    ],
                    &["arn:{{org.partition}}:logs:{{org.home_region}}:{{account.id}}:log-group:*"],
                ),
                allow(
                    "ReadGraph",
                    &["detective:SearchGraph"],
                    &["arn:{{org.partition}}:detective:{{org.home_region}}:{{account.id}}:graph:*"],
                ),
            ]),
        ),
        (
            "role-config-recorder",
            t(&[
                allow("DescribeNetwork", &["ec2:Describe*"], &["*"]),
                allow("DescribeConfig", &["config:Describe*"], &["*"]),
                allow("ReadTags", &["tag:GetResources"], &["*"]),
            ]),
        ),
        (
            "role-security-scanner",
            t(&[
                allow(
                    "ReadAnalyzer",
                    &["access-analyzer:ListFindings"],
                    &[
                        "arn:{{org.partition}}:access-analyzer:{{org.home_region}}:{{account.id}}:analyzer/*",
                    ],
                ),
                allow("ReadVulnerabilities", &["inspector2:ListFindings"], &["*"]),
                allow(
                    "ReadCredentialReport",
                    &["iam:GenerateCredentialReport", "iam:GetCredentialReport"],
                    &["*"],
                ),
            ]),
        ),
        (
            "role-finops-reader",
            t(&[
                allow(
                    "ReadCosts",
                    &[
                        "budgets:ViewBudget",
                        "ce:Get*",
                        "cur:DescribeReportDefinitions",
                    ],
                    &["*"],
                ),
                allow("ReadPrices", &["pricing:Get*"], &["*"]),
            ]),
        ),
        (
            "role-monitoring-reader",
            t(&[
                allow(
                    "ReadMetrics",
                    &[
                        "cloudwatch:GetMetricData",
                        "cloudwatch:GetMetricStatistics",
                        "cloudwatch:ListMetrics",
                    ],
                    &["*"],
                ),
                allow(
                    "ReadAlarms",
                    &["cloudwatch:DescribeAlarms"],
                    &[
                        "arn:{{org.partition}}:cloudwatch:{{org.home_region}}:{{account.id}}:alarm:*",
                    ],
                ),
                allow(
                    "ReadLogGroups",
                    &["logs:FilterLogEvents", "logs:GetLogEvents"],
                    &["arn:{{org.partition}}:logs:{{org.home_region}}:{{account.id}}:log-group:*"],
                ),
                allow(
                    "ReadTraces",
                    &["xray:BatchGetTraces", "xray:GetTraceSummaries"],
                    &["*"],
                ),
            ]),
        ),
        (
            "role-app-config",
            t(&[
                allow(
                    "ReadOwnParameters",
                    &[
                        "ssm:GetParameter",
                        "ssm:GetParameters",
                        "ssm:GetParametersByPath",
                    ],
                    &[
                        "arn:{{org.partition}}:ssm:{{org.home_region}}:{{account.id}}:parameter/{{vars.app_name}}/{{account.tags.environment}}/*",
                    ],
                ),
                allow(
                    "ReadOwnSecrets",
                    &["secretsmanager:GetSecretValue"],
                    &[
                        "arn:{{org.partition}}:secretsmanager:{{org.home_region}}:{{account.id}}:secret:{{vars.app_name}}/{{account.tags.environment}}/*",
                    ],
                ),
                allow(
                    "ReadStaticAssets",
                    &["s3:GetObject"],
                    &[
                        "arn:{{org.partition}}:s3:::{{vars.app_name}}-{{account.tags.environment}}-{{account.id}}-assets/*",
                    ],
                ),
            ]),
        ),
        (
            "role-bu-app",
            t(&[
                allow(
                    "ReadTeamParameters",
                    &["ssm:GetParameter", "ssm:GetParametersByPath"],
                    &[
                        "arn:{{org.partition}}:ssm:{{org.home_region}}:{{account.id}}:parameter/{{account.tags.bu}}/{{account.tags.team}}/*",
                    ],
                ),
                allow(
                    "ReadTeamSecrets",
                    &["secretsmanager:GetSecretValue"],
                    &[
                        "arn:{{org.partition}}:secretsmanager:{{org.home_region}}:{{account.id}}:secret:{{account.tags.bu}}/*",
                    ],
                ),
                allow(
                    "ReadTeamTables",
                    &["dynamodb:GetItem", "dynamodb:Query"],
                    &[
                        "arn:{{org.partition}}:dynamodb:{{org.home_region}}:{{account.id}}:table/{{account.tags.team}}-*",
                    ],
                ),
            ]),
        ),
        (
            "role-deployer",
            t(&[
                allow(
                    "DescribeTaskDefinitions",
                    &["ecs:DescribeTaskDefinition"],
                    &["*"],
                ),
                allow(
                    "RegisterTaskDefinitions",
                    &["ecs:RegisterTaskDefinition"],
                    &[
                        "arn:{{org.partition}}:ecs:{{org.home_region}}:{{account.id}}:task-definition/{{vars.app_name}}-*:*",
                    ],
                ),
                allow(
                    "RollOutServices",
                    &["ecs:DescribeServices", "ecs:UpdateService"],
                    &[
                        "arn:{{org.partition}}:ecs:{{org.home_region}}:{{account.id}}:service/{{vars.ecs_cluster}}/*",
                    ],
                ),
                allow(
                    "ReadReleaseArtifacts",
                    &["s3:GetObject"],
                    &["arn:{{org.partition}}:s3:::{{vars.artifact_bucket}}/{{vars.app_name}}/*"],
                ),
            ]),
        ),
        (
            "role-backup",
            t(&[
                allow(
                    "StartBackups",
                    &["backup:StartBackupJob"],
                    &[
                        "arn:{{org.partition}}:backup:{{org.home_region}}:{{account.id}}:backup-vault:{{account.name}}-vault",
                    ],
                ),
                allow(
                    "DescribeBackups",
                    &["backup:Describe*", "backup:ListBackupJobs"],
                    &["*"],
                ),
                Cap {
                    sid: "SnapshotTaggedVolumes",
                    deny: false,
                    not_action: false,
                    actions: &["ec2:CreateSnapshot"],
                    resources: &[
                        "arn:{{org.partition}}:ec2:{{org.home_region}}:{{account.id}}:volume/*",
                    ],
                    condition: Some(("StringEquals", "aws:ResourceTag/backup", &["daily"])),
                },
            ]),
        ),
        (
            "role-lambda-exec",
            t(&[
                allow(
                    "WriteFunctionLogs",
                    &["logs:CreateLogStream", "logs:PutLogEvents"],
                    &[
                        "arn:{{org.partition}}:logs:{{org.home_region}}:{{account.id}}:log-group:/aws/lambda/{{vars.app_name}}-*",
                    ],
                ),
                allow(
                    "ReadAppTables",
                    &["dynamodb:GetItem", "dynamodb:Query"],
                    &[
                        "arn:{{org.partition}}:dynamodb:{{org.home_region}}:{{account.id}}:table/{{vars.app_name}}-*",
                    ],
                ),
            ]),
        ),
        (
            "role-test-runner",
            t(&[
                allow(
                    "WriteTestReports",
                    &["s3:PutObject"],
                    &[
                        "arn:{{org.partition}}:s3:::{{vars.artifact_bucket}}/test-reports/{{account.name}}/*",
                    ],
                ),
                allow("ReadBuilds", &["codebuild:BatchGetBuilds"], &["*"]),
            ]),
        ),
        (
            "role-monitoring-collector",
            t(&[
                allow(
                    "AssumeWorkloadReaders",
                    &["sts:AssumeRole"],
                    &["arn:{{org.partition}}:iam::*:role/monitoring/monitoring-reader"],
                ),
                Cap {
                    sid: "PublishAggregatedMetrics",
                    deny: false,
                    not_action: false,
                    actions: &["cloudwatch:PutMetricData"],
                    resources: &["*"],
                    condition: Some((
                        "StringEquals",
                        "cloudwatch:namespace",
                        &["{{vars.metrics_namespace}}"],
                    )),
                },
            ]),
        ),
        (
            "role-ci-runner",
            t(&[
                allow(
                    "HandOffToDeployers",
                    &["sts:AssumeRole"],
                    &[
                        "arn:{{org.partition}}:iam::*:role/ci-deployer-nonprod",
                        "arn:{{org.partition}}:iam::*:role/test-runner",
                    ],
                ),
                allow("LogInToRegistry", &["ecr:GetAuthorizationToken"], &["*"]),
                allow(
                    "PushImages",
                    &[
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:CompleteLayerUpload",
                        "ecr:InitiateLayerUpload",
                        "ecr:PutImage",
                        "ecr:UploadLayerPart",
                    ],
                    &[
                        "arn:{{org.partition}}:ecr:{{org.home_region}}:{{account.id}}:repository/{{vars.app_name}}/*",
                    ],
                ),
                allow(
                    "WriteBuildArtifacts",
                    &["s3:PutObject"],
                    &["arn:{{org.partition}}:s3:::{{vars.artifact_bucket}}/{{vars.app_name}}/*"],
                ),
            ]),
        ),
        (
            "role-scanner-hub",
            t(&[allow(
                "AssumeScanners",
                &["sts:AssumeRole"],
                &["arn:{{org.partition}}:iam::*:role/security-scanner"],
            )]),
        ),
        (
            "role-finops-collector",
            t(&[
                allow(
                    "AssumeFinopsReaders",
                    &["sts:AssumeRole"],
                    &["arn:{{org.partition}}:iam::*:role/finops-reader"],
                ),
                allow(
                    "WriteCostReports",
                    &["s3:PutObject"],
                    &["arn:{{org.partition}}:s3:::{{vars.finops_bucket}}/*"],
                ),
            ]),
        ),
        (
            "role-network-automation",
            t(&[
                allow(
                    "ManageGatewayRoutes",
                    &[
                        "ec2:CreateTransitGatewayRoute",
                        "ec2:SearchTransitGatewayRoutes",
                    ],
                    &["arn:{{org.partition}}:ec2:*:{{account.id}}:transit-gateway-route-table/*"],
                ),
                // Acknowledged on the role: the automation passes roles it creates.
                allow("PassAnyRole", &["iam:PassRole"], &["*"]),
            ]),
        ),
        (
            "role-log-writer",
            t(&[allow(
                "DeliverLogs",
                &["firehose:PutRecord", "firehose:PutRecordBatch"],
                &[
                    "arn:{{org.partition}}:firehose:{{org.home_region}}:{{account.id}}:deliverystream/{{account.name}}-*",
                ],
            )]),
        ),
        (
            "role-vendor-monitoring",
            t(&[
                allow(
                    "ReadVendorMetrics",
                    &["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
                    &["*"],
                ),
                allow(
                    "ReadVendorInventory",
                    &["ec2:Describe*", "tag:GetResources"],
                    &["*"],
                ),
            ]),
        ),
        (
            "role-event-responder",
            t(&[
                allow("DescribeInstances", &["ec2:Describe*"], &["*"]),
                allow("ReadHealthEvents", &["health:DescribeEvents"], &["*"]),
            ]),
        ),
        (
            "role-org-inventory",
            t(&[allow(
                "ReadOrganization",
                &["organizations:Describe*", "organizations:List*"],
                &["*"],
            )]),
        ),
        (
            "role-dns",
            t(&[
                allow(
                    "ChangeRecords",
                    &["route53:ChangeResourceRecordSets"],
                    &["arn:{{org.partition}}:route53:::hostedzone/*"],
                ),
                allow("ListZones", &["route53:List*"], &["*"]),
            ]),
        ),
        ("role-sandbox-guard", t(&[DENY_LARGE_INSTANCES])),
    ]
}
