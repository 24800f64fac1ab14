//! parse -> validate -> model -> render (both backends) -> diagnostics rendering, on
//! arbitrary input. Any panic is a bug: a user's spec must only ever produce messages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustgen::input::{self, Format, SourceFile};
use trustgen::{render, validate_and_build, warnings, Provenance, Templates};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = SourceFile::new("fuzz.toml", text.as_ref());
    let spec = match input::load(&source) {
        Ok(spec) => spec,
        Err(diagnostics) => {
            let _ = source.render(&diagnostics);
            let _ = source.render_json(&diagnostics);
            return;
        }
    };
    let model = match validate_and_build(&spec) {
        Ok(model) => model,
        Err(diagnostics) => {
            let _ = source.render(&diagnostics);
            return;
        }
    };
    let _ = source.render(&warnings(&spec, &model));
    let Ok(templates) = Templates::load(None) else {
        return;
    };
    let provenance = Provenance {
        spec: "fuzz.toml".into(),
    };
    let _ = render(
        &model,
        &[Format::Cloudformation, Format::Terraform],
        &templates,
        &provenance,
    );
});
