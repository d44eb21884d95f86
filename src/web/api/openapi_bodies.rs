//! What the OpenAPI document shows of the bodies, beyond the types' own schemas: the history
//! export's rows, typed column by column, and each operation's recorded example.

use utoipa::openapi::Ref;
use utoipa::Modify;

/// The history export's JSON rows: one schema per dataset, each column typed as
/// `domain::export::Column` says the export writes it.
pub struct ExportRows;

impl Modify for ExportRows {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use crate::domain::export::{Column, Dataset};
        use strum::VariantArray;
        use utoipa::openapi::schema::{
            ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, SchemaType, Type,
        };
        use utoipa::openapi::RefOr;
        let typed = |kinds: Vec<Type>| SchemaType::Array(kinds);
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut rows = OneOfBuilder::new();
        for dataset in Dataset::VARIANTS {
            let mut row = ObjectBuilder::new().description(Some(format!("A row of the {dataset} export")));
            for (name, column) in dataset.columns() {
                let property = match column {
                    Column::Id => ObjectBuilder::new().schema_type(Type::Integer).into(),
                    Column::Number => ObjectBuilder::new()
                        .schema_type(typed(vec![Type::Integer, Type::Null]))
                        .into(),
                    Column::Date => ObjectBuilder::new()
                        .schema_type(typed(vec![Type::String, Type::Null]))
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                        .into(),
                    Column::Flag => ObjectBuilder::new().schema_type(Type::Boolean).into(),
                    Column::Text => ObjectBuilder::new().schema_type(Type::String).into(),
                    Column::Optional => ObjectBuilder::new()
                        .schema_type(typed(vec![Type::String, Type::Null]))
                        .into(),
                    Column::List => ArrayBuilder::new()
                        .items(ObjectBuilder::new().schema_type(Type::String))
                        .into(),
                };
                let property: utoipa::openapi::schema::Schema = property;
                row = row.property(*name, property).required(*name);
            }
            // HistoryExportRequestsRow, …: the dataset's name capitalised.
            let dataset_name = dataset.to_string();
            let schema_name = format!(
                "HistoryExport{}{}Row",
                dataset_name[..1].to_uppercase(),
                &dataset_name[1..]
            );
            components
                .schemas
                .insert(schema_name.clone(), RefOr::T(row.build().into()));
            rows = rows.item(Ref::from_schema_name(schema_name));
        }
        let Some(RefOr::T(ok)) = openapi
            .paths
            .paths
            .get_mut("/api/v1/history/export")
            .and_then(|item| item.get.as_mut())
            .and_then(|get| get.responses.responses.get_mut("200"))
        else {
            return;
        };
        if let Some(RefOr::T(json)) = ok.content.get_mut("application/json") {
            json.schema = Some(ArrayBuilder::new().items(rows).into());
        }
    }
}

/// Each operation's example: what a call sent and what the server answered, recorded from the
/// server itself by `clients/record_examples.py` (lists cut to two items), and held to the
/// document by a test.
pub struct Examples;

impl Modify for Examples {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        let recorded: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("examples.json")).unwrap_or_default();
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.patch,
                &mut item.post,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let Some(example) = operation.operation_id.as_ref().and_then(|id| recorded.get(id)) else {
                    continue;
                };
                if let (Some(RefOr::T(body)), Some(sent)) =
                    (&mut operation.request_body, example.get("request"))
                {
                    for (kind, content) in body.content.iter_mut() {
                        if let (true, RefOr::T(content)) = (kind.contains("json"), content) {
                            content.example = Some(sent.clone());
                        }
                    }
                }
                let Some(answered) = example.get("response") else {
                    continue;
                };
                for (status, response) in operation.responses.responses.iter_mut() {
                    if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                        if let Some(RefOr::T(content)) = response.content.get_mut("application/json") {
                            content.example = Some(answered.clone());
                        }
                    }
                }
            }
        }
    }
}
