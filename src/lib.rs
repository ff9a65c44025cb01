//! orgc compiles a TOML description of a multi-account AWS organisation into JSON
//! desired state, after checking it against the format's schema, every semantic rule
//! and AWS's limits.
//!
//! The pipeline, one module per stage: [`load`] (files) → [`parse`] (syntax, schema,
//! typed [`spec`], merge) → [`resolve`] (references, selectors, semantic checks →
//! [`model`]) → [`network`] (routing analysed, network guardrails checked) →
//! [`compile`] (policies rendered and checked → [`desired`] state) → [`emit`] (the
//! output tree). Diagnostics from every stage are collected in one
//! [`diagnostic::Diagnostics`].

pub mod access;
pub mod cli;
pub mod compile;
pub mod desired;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod graph;
pub mod load;
pub mod model;
pub mod network;
pub mod parallel;
pub mod parse;
pub mod policy;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod spanned;
pub mod spec;
pub mod suggest;
pub mod timings;
pub mod toml_json;

use diagnostic::Diagnostics;
use source::SourceMap;

/// The result of checking an org: every diagnostic found, and as much of the model,
/// the compiled desired state and the access audit as could be built. They may exist
/// while there are errors (a failed guardrail is an error, and its audit is what
/// explains it): anything that writes output must check the diagnostics first.
pub struct Checked {
    pub sources: SourceMap,
    /// The org files and templates that were read (not the rendered texts that
    /// diagnostics may have added to `sources`).
    pub input_files: Vec<source::FileId>,
    pub model: Option<model::Model>,
    pub desired: Option<compile::DesiredState>,
    /// The access audit of the compiled org.
    pub access: Option<access::AccessReport>,
    pub diagnostics: Diagnostics,
    /// The analysed network, whenever the org resolved.
    pub network: Option<network::analysis::Analysis>,
    /// How long each stage took.
    pub timings: timings::Stopwatch,
}

impl Checked {
    /// The output tree, when the org compiled without errors.
    pub fn tree(&self) -> Option<emit::Tree> {
        if self.diagnostics.has_errors() {
            return None;
        }
        self.build_tree()
    }

    /// The output tree of whatever compiled, errors or not (a failed guardrail
    /// leaves a compiled org that `diff` still compares), in memory.
    pub fn build_tree(&self) -> Option<emit::Tree> {
        let reports = self.reports()?;
        self.plan(&reports)?.to_tree().ok()
    }

    /// The gateways' files. They are built here, when output is wanted, rather than
    /// in [`check`]: they decide nothing `validate` reports. (The audits are made as
    /// their files are written.)
    pub fn reports(&self) -> Option<Reports> {
        let (model, net) = (self.model.as_ref()?, self.network.as_ref()?);
        Some(Reports {
            network: compile::network(model, net),
        })
    }

    /// Every output file, made on demand, from the desired state and `reports`;
    /// `None` when the org did not compile or was checked for diagnostics alone.
    pub fn plan<'a>(&'a self, reports: &'a Reports) -> Option<emit::Plan<'a>> {
        let (model, net, desired, access) = (
            self.model.as_ref()?,
            self.network.as_ref()?,
            self.desired.as_ref().filter(|d| d.files)?,
            self.access.as_ref()?,
        );
        let inputs: Vec<&source::SourceFile> = self
            .input_files
            .iter()
            .filter_map(|id| self.sources.get(*id))
            .collect();
        Some(emit::plan(
            &emit::Outputs {
                model,
                net,
                desired,
                network: &reports.network,
                access: &access.rows,
            },
            &inputs,
        ))
    }
}

/// What is written beside the desired state and the audits: the gateways' files.
pub struct Reports {
    pub network: compile::NetworkState,
}

/// Run every check on an org already read into memory, compiling it in memory:
/// what `validate` reports is exactly what `compile` would refuse.
pub fn check(inputs: load::Inputs) -> Checked {
    check_for(inputs, compile::Want::Output)
}

/// [`check`], keeping only what `want` needs: a check for diagnostics alone does not
/// keep the role files, and [`Checked::plan`] then has no tree to give.
pub fn check_for(inputs: load::Inputs, want: compile::Want) -> Checked {
    let mut clock = timings::Stopwatch::default();
    let mut sources = SourceMap::default();
    let mut input_files = Vec::new();
    for f in inputs.org_files {
        input_files.push(sources.add(f));
    }
    let mut template_files = Vec::new();
    for f in inputs.templates {
        let id = sources.add(f);
        input_files.push(id);
        template_files.push(id);
    }
    let templates: Vec<String> = template_files
        .iter()
        .filter_map(|id| sources.get(*id).and_then(|f| template_name(&f.name)))
        .collect();
    let mut diagnostics = Diagnostics::default();
    for (name, offset) in &inputs.encoding_errors {
        if let Some((id, _)) = sources.iter().find(|(_, f)| &f.name == name) {
            diagnostics.push(
                diagnostic::Diagnostic::error(
                    "orgc::syntax::encoding",
                    "the file is not valid UTF-8",
                )
                .at(id, *offset..*offset)
                .with_help("save the file as UTF-8"),
            );
        }
    }
    let spec = parse::parse(&sources, &mut diagnostics);
    clock.lap("parse");
    let model = spec.and_then(|spec| resolve::resolve(&spec, &templates, &mut diagnostics));
    clock.lap("resolve");
    let mut network = None;
    let mut desired = None;
    let mut access_report = None;
    if let Some(m) = &model {
        // The network is analysed on a core of its own while the policies are
        // compiled: neither reads the other. Their diagnostics are joined in the order
        // the stages are written in.
        let ((analysis, network_diags, took), (compiled, loaded_with_errors, compile_diags)) =
            parallel::beside(
                || {
                    let started = std::time::Instant::now();
                    let analysis = network::analysis::Analysis::new(m);
                    let analysed = started.elapsed();
                    let mut diags = Diagnostics::default();
                    network::guardrails::check(m, &analysis, &mut diags);
                    (analysis, diags, [analysed, started.elapsed() - analysed])
                },
                || {
                    let mut diags = Diagnostics::default();
                    let policies =
                        compile::PolicySources::load(&sources, &template_files, &mut diags);
                    clock.lap("templates");
                    let loaded_with_errors = diags.has_errors();
                    let compiled =
                        compile::compile(m, &policies, &mut sources, &mut diags, want, &mut clock);
                    (compiled, loaded_with_errors, diags)
                },
            );
        clock.lap("waiting for the network");
        clock.record("network analysis (beside)", took[0]);
        clock.record("network guardrails (beside)", took[1]);
        // A policy that failed its checks withholds the desired state (and with it the
        // access audit) unless an error was reported before the policies were
        // compiled: then the state, without the failed policies, is kept and audited.
        let earlier_errors =
            diagnostics.has_errors() || network_diags.has_errors() || loaded_with_errors;
        diagnostics.extend(network_diags);
        diagnostics.extend(compile_diags);
        network = Some(analysis);
        desired = (!compiled.failed || earlier_errors).then_some(compiled.state);
        if let Some(d) = desired.as_ref() {
            let keep = match want {
                compile::Want::Diagnostics => access::Rows::Forbidden,
                compile::Want::Audits | compile::Want::Output => access::Rows::All,
            };
            let report = access::analyse(m, d, keep, &mut diagnostics);
            clock.lap("access audit");
            access::check_deny_access(m, &report, &mut diagnostics);
            clock.lap("access guardrails");
            access_report = Some(report);
        }
    }
    Checked {
        sources,
        input_files,
        model,
        desired,
        access: access_report,
        diagnostics,
        network,
        timings: clock,
    }
}

/// A template's name: its file name without `.json.hbs` or `.json`.
pub fn template_name(path: &str) -> Option<String> {
    let file = path.rsplit('/').next()?;
    file.strip_suffix(".json.hbs")
        .or_else(|| file.strip_suffix(".json"))
        .map(str::to_string)
}
