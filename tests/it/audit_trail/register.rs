//! The register's reference data: authorities and bank holidays.

use super::*;

on_both_backends! {
    async fn authorities_and_bank_holidays_are_audited(app) {
        let admin = app.admin().await;
        let by = web_user(&admin.email, user_id(&app, &admin.email));

        let m = mark(&app);
        let values = json!({
            "name": "Modern Slavery Unit", "short_name": "MSU", "foi_email": "foi@msu.example.gov.uk",
            "website": "https://msu.example.gov.uk", "default_regime": "foia", "nation": "england",
        });
        let created = json_of(admin.post_json("/api/v1/authorities", &values).await, StatusCode::CREATED).await;
        let authority = id_of(&created);
        assert_written(&app, &m, &[by.did("create", "authority", Some(authority), None, Some(values.clone()))]);

        let m = mark(&app);
        let mut changed = values.clone();
        changed["short_name"] = json!("MSU (HO)");
        changed["default_regime"] = json!("eir");
        let response = admin.put_json(&format!("/api/v1/authorities/{authority}"), &changed).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[by.did("update", "authority", Some(authority), Some(values.clone()), Some(changed.clone()))]);

        // A coordinator may not: refused, nothing written.
        let m = mark(&app);
        let response = app.post_json("/api/v1/authorities", &json!({"name": "Another", "short_name": "A", "default_regime": "foia", "nation": "uk"})).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_written(&app, &m, &[]);

        // `foi-tracker import-authorities`: one entry per authority created or changed, none
        // for one unchanged, none at all for a dry run.
        let csv = "name,short_name,foi_email,website,default_regime,nation\n\
            Modern Slavery Unit,MSU,foi@msu.example.gov.uk,https://msu.example.gov.uk,eir,england\n\
            Home Office,Home Office,foirequests@homeoffice.gov.uk,https://www.gov.uk/government/organisations/home-office,foia,uk\n\
            Independent Anti-Slavery Commissioner,IASC,foi@iasc.example.gov.uk,,foia,uk\n";
        let m = mark(&app);
        let report = foi_tracker::tracker::authorities::import_csv(&mut app.connection(), &Caller::command_line(), csv, true, now()).unwrap();
        assert_eq!((report.created, report.updated, report.unchanged), (1, 1, 1));
        assert_written(&app, &m, &[]);
        let m = mark(&app);
        foi_tracker::tracker::authorities::import_csv(&mut app.connection(), &Caller::command_line(), csv, false, now()).unwrap();
        let commissioner = foi_tracker::db::authorities::find_by_name(&mut app.connection(), "Independent Anti-Slavery Commissioner")
            .unwrap()
            .unwrap()
            .id;
        let mut imported = changed.clone();
        imported["short_name"] = json!("MSU");
        assert_written(
            &app,
            &m,
            &[
                command_line().did("update", "authority", Some(authority), Some(changed), Some(imported)),
                command_line().did(
                    "create",
                    "authority",
                    Some(commissioner),
                    None,
                    Some(json!({
                        "name": "Independent Anti-Slavery Commissioner", "short_name": "IASC",
                        "foi_email": "foi@iasc.example.gov.uk", "website": null, "default_regime": "foia", "nation": "uk",
                    })),
                ),
            ],
        );

        // Bank holidays from the admin page: nothing for a dry run, one entry for the import.
        let file = holidays_with("2026-06-15", "Proclaimed bank holiday");
        let m = mark(&app);
        let dry = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text(file.clone()).file_name("bank-holidays.json"))
            .text("dry_run", "true");
        let response = admin.client.post(app.url("/admin/holidays")).multipart(dry).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[]);
        let m = mark(&app);
        let form = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text(file.clone()).file_name("bank-holidays.json"));
        let response = admin.client.post(app.url("/admin/holidays")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let import = foi_tracker::tracker::holidays::history(&mut app.connection()).unwrap().last().unwrap().id;
        assert_written(
            &app,
            &m,
            &[by.did(
                "import",
                "holidays",
                Some(import),
                None,
                Some(json!({
                    "source": "bank-holidays.json",
                    "summary": format!("{}: 1 days added, 0 removed, 0 deadlines moved", years_of(&file)),
                    "added": [{"date": "2026-06-15", "division": "England and Wales", "title": "Proclaimed bank holiday"}],
                    "removed": [],
                })),
            )],
        );
    }
}
