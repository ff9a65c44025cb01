"""Verify an orgc output tree with cfn-lint, parliament and botocore.

Run through scripts/verify-output.sh, which installs the tools. Each section reads the
files of one area, builds what the third-party tool expects (a throwaway
CloudFormation template, a policy string, API request parameters with placeholders
for values only known at apply time) and collects every finding. Exit status 1 if
any tool found anything.
"""

import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile

import botocore.session
from botocore.validate import ParamValidator



def digest(name, n):
    return hashlib.sha256(name.encode()).hexdigest()[:n]


# Values that exist only once apply tooling has created things: placeholders of the
# right shape, distinct per name so that distinct resources stay distinct.
def permission_set_arn(instance_arn, name):
    return f"{instance_arn.replace(':instance/', ':permissionSet/')}/ps-{digest(name, 16)}"


def principal_id(kind, name):
    h = digest(f"{kind}:{name}", 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

# cfn-lint resources per template stay well below CloudFormation's 500.
CHUNK = 400

findings = []
session = botocore.session.get_session()
validator = ParamValidator()


def api(service, operation, params, where):
    """Validate request parameters against botocore's model of the operation."""
    shape = session.get_service_model(service).operation_model(operation).input_shape
    report = validator.validate(params, shape)
    if report.has_errors():
        findings.append(f"botocore {service} {operation} ({where}): {report.generate_report()}")


def load(path):
    return json.loads(path.read_text())


def identity_center(out, resources, identity_policies):
    for path in sorted((out / "identity-center/permission-sets").glob("*.json")):
        f = load(path)
        create = f["CreatePermissionSet"]
        api("sso-admin", "CreatePermissionSet", create, path.name)
        instance = create["InstanceArn"]
        ref = {"InstanceArn": instance, "PermissionSetArn": permission_set_arn(instance, create["Name"])}
        ps = {k: v for k, v in create.items() if k != "RelayState"}
        if "RelayState" in create:
            ps["RelayStateType"] = create["RelayState"]
        inline = f.get("PutInlinePolicyToPermissionSet")
        if inline:
            doc = inline["InlinePolicy"]
            api("sso-admin", "PutInlinePolicyToPermissionSet", {**ref, "InlinePolicy": json.dumps(doc)}, path.name)
            ps["InlinePolicy"] = doc
            identity_policies.append((f"{path.name} inline policy", doc))
        managed = [m["ManagedPolicyArn"] for m in f.get("AttachManagedPolicyToPermissionSet", [])]
        for arn in managed:
            api("sso-admin", "AttachManagedPolicyToPermissionSet", {**ref, "ManagedPolicyArn": arn}, path.name)
        if managed:
            ps["ManagedPolicies"] = managed
        customer = [c["CustomerManagedPolicyReference"] for c in f.get("AttachCustomerManagedPolicyReferenceToPermissionSet", [])]
        for c in customer:
            api("sso-admin", "AttachCustomerManagedPolicyReferenceToPermissionSet", {**ref, "CustomerManagedPolicyReference": c}, path.name)
        if customer:
            ps["CustomerManagedPolicyReferences"] = customer
        boundary = f.get("PutPermissionsBoundaryToPermissionSet")
        if boundary:
            api("sso-admin", "PutPermissionsBoundaryToPermissionSet", {**ref, **boundary}, path.name)
            ps["PermissionsBoundary"] = boundary["PermissionsBoundary"]
        resources.append(("AWS::SSO::PermissionSet", ps))

    assignments = out / "identity-center/assignments.json"
    if assignments.exists():
        for a in load(assignments)["CreateAccountAssignment"]:
            params = {
                "InstanceArn": a["InstanceArn"],
                "TargetId": a["TargetId"],
                "TargetType": a["TargetType"],
                "PermissionSetArn": permission_set_arn(a["InstanceArn"], a["PermissionSetName"]),
                "PrincipalType": a["PrincipalType"],
                "PrincipalId": a.get("PrincipalId", principal_id(a["PrincipalType"], a["PrincipalName"])),
            }
            api("sso-admin", "CreateAccountAssignment", params, f"assignment {a['Account']}/{a['PermissionSetName']}")
            resources.append(("AWS::SSO::Assignment", params))


def iam(out, resources, identity_policies):
    for path in sorted(out.glob("iam/*/roles/*.json")):
        f = load(path)
        where = str(path.relative_to(out))
        create = dict(f["CreateRole"])
        trust = create["AssumeRolePolicyDocument"]
        api("iam", "CreateRole", {**create, "AssumeRolePolicyDocument": json.dumps(trust)}, where)
        role = {k: v for k, v in create.items() if k != "RoleName"}
        policies = []
        for p in f.get("PutRolePolicy", []):
            api("iam", "PutRolePolicy", {"RoleName": create["RoleName"], "PolicyName": p["PolicyName"], "PolicyDocument": json.dumps(p["PolicyDocument"])}, where)
            policies.append({"PolicyName": p["PolicyName"], "PolicyDocument": p["PolicyDocument"]})
            identity_policies.append((f"{where} {p['PolicyName']}", p["PolicyDocument"]))
        if policies:
            role["Policies"] = policies
        arns = [a["PolicyArn"] for a in f.get("AttachRolePolicy", [])]
        for arn in arns:
            api("iam", "AttachRolePolicy", {"RoleName": create["RoleName"], "PolicyArn": arn}, where)
        if arns:
            role["ManagedPolicyArns"] = arns
        resources.append(("AWS::IAM::Role", role))


# The network files name AWS resources by their org names: `<X>Name` stands for the
# `<X>Id` that exists only once the resource does. Placeholders of AWS's id shapes.
ID_PREFIX = {
    "TransitGatewayId": "tgw-",
    "TransitGatewayRouteTableId": "tgw-rtb-",
    "TransitGatewayAttachmentId": "tgw-attach-",
}


def aws_id(key, name):
    return ID_PREFIX[key] + digest(f"{key}:{name}", 17)


def with_ids(params):
    """`<X>Name` → `<X>Id` with a placeholder id."""
    out = {}
    for k, v in params.items():
        idk = k[: -len("Name")] + "Id" if k.endswith("Name") else None
        if idk in ID_PREFIX:
            out[idk] = aws_id(idk, v)
        else:
            out[k] = v
    return out


def cfn_tags(tag_specifications):
    return [t for spec in tag_specifications for t in spec["Tags"]]


def network(out, resources):
    """Transit Gateways, route tables, routes, associations, propagations, VPC
    attachments and VPC routes, against the EC2 request shapes (and cfn-lint's
    resource shapes)."""
    counts = 0
    for path in sorted(out.glob("network/*/transit-gateway.json")):
        where = str(path.relative_to(out))
        create = load(path)["CreateTransitGateway"]
        api("ec2", "CreateTransitGateway", create, where)
        resources.append(("AWS::EC2::TransitGateway", {**create["Options"], "Tags": cfn_tags(create["TagSpecifications"])}))
        counts += 1
    for path in sorted(out.glob("network/*/route-tables/*.json")):
        where = str(path.relative_to(out))
        f = load(path)
        create = with_ids(f["CreateTransitGatewayRouteTable"])
        api("ec2", "CreateTransitGatewayRouteTable", create, where)
        resources.append(("AWS::EC2::TransitGatewayRouteTable", {"TransitGatewayId": create["TransitGatewayId"], "Tags": cfn_tags(create["TagSpecifications"])}))
        for op, key, rtype in [
            ("AssociateTransitGatewayRouteTable", "AssociateTransitGatewayRouteTable", "AWS::EC2::TransitGatewayRouteTableAssociation"),
            ("EnableTransitGatewayRouteTablePropagation", "EnableTransitGatewayRouteTablePropagation", "AWS::EC2::TransitGatewayRouteTablePropagation"),
            ("CreateTransitGatewayRoute", "CreateTransitGatewayRoute", "AWS::EC2::TransitGatewayRoute"),
        ]:
            for item in f[key]:
                params = with_ids(item)
                api("ec2", op, params, where)
                # cfn-lint's schema types a Transit Gateway route's DestinationCidrBlock
                # as IPv4, but the API takes IPv6 destinations in the same field (AWS's
                # Landing Zone Accelerator writes `::/0` there): botocore checks those.
                if ":" not in params.get("DestinationCidrBlock", ""):
                    resources.append((rtype, params))
                counts += 1
    for path in sorted(out.glob("network/*/vpc-routes/*.json")):
        where = str(path.relative_to(out))
        f = load(path)
        spoke = f["Spoke"]
        # The VPC, its subnets and their route tables are not orgc's to name.
        vpc = "vpc-" + digest(f"vpc:{spoke}", 17)
        subnets = ["subnet-" + digest(f"subnet:{spoke}:{i}", 17) for i in range(2)]
        attach = {**with_ids(f["CreateTransitGatewayVpcAttachment"]), "VpcId": vpc, "SubnetIds": subnets}
        api("ec2", "CreateTransitGatewayVpcAttachment", attach, where)
        resources.append(("AWS::EC2::TransitGatewayVpcAttachment", {
            "TransitGatewayId": attach["TransitGatewayId"], "VpcId": vpc, "SubnetIds": subnets,
            "Options": attach["Options"], "Tags": cfn_tags(attach["TagSpecifications"]),
        }))
        for route in f["CreateRoute"]:
            params = {**with_ids(route), "RouteTableId": "rtb-" + digest(f"rtb:{spoke}", 17)}
            api("ec2", "CreateRoute", params, where)
            resources.append(("AWS::EC2::Route", params))
            counts += 1
    return counts


def cfn_lint(resources, identity_policies):
    """Every resource, and every identity policy wrapped in a managed policy, through cfn-lint."""
    items = list(resources) + [("AWS::IAM::ManagedPolicy", {"PolicyDocument": doc}) for _, doc in identity_policies]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n in range(0, len(items), CHUNK):
            template = {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {f"R{n + i}": {"Type": t, "Properties": p} for i, (t, p) in enumerate(items[n : n + CHUNK])},
            }
            path = pathlib.Path(tmp) / f"t{n}.json"
            path.write_text(json.dumps(template, indent=1))
            paths.append(str(path))
        if not paths:
            return
        result = subprocess.run([str(pathlib.Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", *paths], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            findings.append(f"cfn-lint: {line}")
        if result.returncode != 0 and not result.stdout:
            findings.append(f"cfn-lint failed: {result.stderr.strip()}")


# parliament's action data lags the catalogue orgc embeds: findings that only say an
# action does not exist or does not take resource-level permissions, for actions that
# AWS documents, are its data's age, not a problem in the policy.
PARLIAMENT_IGNORED = {"UNKNOWN_ACTION", "UNKNOWN_PREFIX", "RESOURCE_MISMATCH"}


def parliament(identity_policies):
    """Identity policies only: parliament calls every trust policy malformed because a
    trust policy has no Resource, which is exactly what IAM requires of it."""
    from parliament import analyze_policy_string

    for where, doc in identity_policies:
        policy = analyze_policy_string(json.dumps(doc))
        for f in policy.findings:
            if f.issue in PARLIAMENT_IGNORED:
                continue
            findings.append(f"parliament ({where}): {f.issue} {f.detail}")


def main():
    out = pathlib.Path(sys.argv[1])
    if not (out / "manifest.json").exists():
        sys.exit(f"{out} is not an orgc output directory (no manifest.json)")
    resources, identity_policies = [], []
    identity_center(out, resources, identity_policies)
    iam(out, resources, identity_policies)
    network(out, resources)
    cfn_lint(resources, identity_policies)
    parliament(identity_policies)
    checked = f"{len(resources)} resources, {len(identity_policies)} identity policies"
    if findings:
        print("\n".join(findings))
        print(f"verify: {len(findings)} findings in {checked}")
        sys.exit(1)
    print(f"verify: 0 findings in {checked} (cfn-lint, parliament, botocore)")


if __name__ == "__main__":
    main()
