//! The customer base: CRUD, search, import in every mode and with every kind of awkward file, export and round trip.

use leadscore_tests::TestApp;
use leadscore_tests::fixtures::{SAMPLE_CSV, UCI_HEADER, bank_sample, csv_form, customer_json};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ROW_OK: &str = "58;\"management\";\"married\";\"tertiary\";\"no\";2143;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"";
const ROW_BAD_AGE: &str = "300;\"management\";\"married\";\"tertiary\";\"no\";2143;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"";
const ROW_BAD_JOB: &str = "40;\"pilot\";\"married\";\"tertiary\";\"no\";2143;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"";

async fn import(app: &TestApp, query: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let path = format!("/api/v1/customers/import?{query}");
    app.send(app.authed(Method::POST, &path, &app.admin.token).multipart(csv_form(bytes))).await
}

async fn total(app: &TestApp, query: &str) -> u64 {
    let (status, body) =
        app.call(Method::GET, &format!("/api/v1/customers?{query}"), Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body["data"]["pagination"]["totalItems"].as_u64().unwrap()
}

fn file(rows: &[&str]) -> Vec<u8> {
    let mut text = UCI_HEADER.to_owned();
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    text.into_bytes()
}

fn shared(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join("shared/data").join(path)
}

#[tokio::test]
async fn crud_with_validation_and_conflicts() {
    let app = TestApp::spawn().await;
    let manager = app.user("Manager").await;
    let (status, body) =
        app.call(Method::POST, "/api/v1/customers", Some(&manager.token), Some(customer_json("1"))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(body["data"]["job"], "admin.");
    assert!(body["data"]["score"].is_null());

    let (status, body) =
        app.call(Method::POST, "/api/v1/customers", Some(&manager.token), Some(customer_json("1"))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let mut bad = customer_json("2");
    bad["age"] = json!(300);
    bad["job"] = json!("pilot");
    bad["campaign"] = json!(-1);
    let (status, body) = app.call(Method::POST, "/api/v1/customers", Some(&manager.token), Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let field = body["errors"][0]["field"].as_str().unwrap();
    assert!(["age", "job", "campaign"].contains(&field), "{body}");
    let mut sneaky = customer_json("3");
    sneaky["score"] = json!(99);
    let (status, _) = app.call(Method::POST, "/api/v1/customers", Some(&manager.token), Some(sneaky)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a score cannot be assigned");

    let path = format!("/api/v1/customers/{id}");
    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&manager.token),
            Some(json!({"balance": -250, "phone": null, "job": "retired"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["balance"], -250);
    assert!(body["data"]["phone"].is_null());
    assert_eq!(body["data"]["name"], "Ana Silva", "untouched fields stay");
    let (status, _) = app.call(Method::PATCH, &path, Some(&manager.token), Some(json!({"age": 17}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, _) = app.call(Method::DELETE, &path, Some(&manager.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only Admin deletes");
    let (status, _) = app.call(Method::DELETE, &path, Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call(Method::GET, &path, Some(&manager.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, trail) =
        app.call(Method::GET, &format!("/api/v1/users/{}/activities", manager.id), Some(&app.admin.token), None).await;
    let actions: Vec<&str> =
        trail["data"]["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"CUSTOMER_CREATED") && actions.contains(&"CUSTOMER_UPDATED"), "{actions:?}");
}

#[tokio::test]
async fn list_filters_search_sort_and_page() {
    let app = TestApp::spawn().await;
    let (status, body) = import(&app, "", &std::fs::read(shared("bank-marketing/bank.csv")).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["created"], 4521);
    assert_eq!(total(&app, "").await, 4521);
    // Counts from the file itself (awk over bank.csv).
    assert_eq!(total(&app, "job=retired").await, 230);
    assert_eq!(total(&app, "job=retired&job=student").await, 230 + 84);
    assert_eq!(total(&app, "ageMin=60&ageMax=60").await, 47);
    assert_eq!(total(&app, "housing=true&loan=true").await, 406);
    assert_eq!(total(&app, "poutcome=success&month=oct").await, 11);
    assert_eq!(total(&app, "balanceMin=10000").await, 92);
    assert_eq!(total(&app, "scoreMin=1").await, 0, "nothing is scored yet");

    let (_, body) = app
        .call(Method::GET, "/api/v1/customers?sortBy=balance&sortDir=desc&limit=3", Some(&app.admin.token), None)
        .await;
    let balances: Vec<i64> =
        body["data"]["items"].as_array().unwrap().iter().map(|c| c["balance"].as_i64().unwrap()).collect();
    assert_eq!(balances, vec![71188, 42045, 27733]);
    let (_, body) =
        app.call(Method::GET, "/api/v1/customers?sortBy=age&sortDir=asc&limit=1", Some(&app.admin.token), None).await;
    assert_eq!(body["data"]["items"][0]["age"], 19);

    let (status, body) =
        app.call(Method::GET, "/api/v1/customers?ageMin=60&ageMax=30", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "ageMin");
    let (status, body) = app.call(Method::GET, "/api/v1/customers?job=pilot", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "job");

    let sales = app.user("Sales").await;
    let (status, _) = app.call(Method::GET, "/api/v1/customers", Some(&sales.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn strict_mode_rejects_the_whole_file_and_skip_mode_imports_the_valid_rows() {
    let app = TestApp::spawn().await;
    let mixed = file(&[ROW_OK, ROW_BAD_AGE, ROW_OK, ROW_BAD_JOB]);
    let (status, body) = import(&app, "", &mixed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["totalErrors"], 2);
    assert_eq!(body["errors"][0], json!({"row": 3, "field": "age", "message": "must be between 18 and 100"}));
    assert_eq!(body["errors"][1]["row"], 5);
    assert_eq!(body["errors"][1]["field"], "job");
    assert_eq!(total(&app, "").await, 0, "strict mode writes nothing");

    let (status, body) = import(&app, "mode=skip&dryRun=true", &mixed).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["created"], 2);
    assert_eq!(body["data"]["dryRun"], true);
    assert_eq!(total(&app, "").await, 0, "a dry run writes nothing");

    let (status, body) = import(&app, "mode=skip", &mixed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["totalRows"], 4);
    assert_eq!(body["data"]["created"], 2);
    assert_eq!(body["data"]["rejected"], 2);
    assert_eq!(body["data"]["errors"].as_array().unwrap().len(), 2);
    assert_eq!(total(&app, "").await, 2);
}

#[tokio::test]
async fn awkward_files_get_clear_answers() {
    let app = TestApp::spawn().await;
    // Empty, header only.
    let (status, body) = import(&app, "", b"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = import(&app, "", UCI_HEADER.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("no data rows"));
    // Wrong delimiter: the header is one column; the missing ones are named.
    let wrong = String::from_utf8(file(&[ROW_OK])).unwrap().replace(';', "|").replace('|', "#");
    let (status, body) = import(&app, "", wrong.as_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("Missing required columns: age"), "{body}");
    assert!(body["message"].as_str().unwrap().contains("single column"));
    // Missing columns and an unknown one.
    let (status, body) = import(&app, "", b"age,job,marital,shoeSize\n30,admin.,single,44\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let missing: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(
        missing.contains(&"education") && missing.contains(&"poutcome") && !missing.contains(&"age"),
        "{missing:?}"
    );
    // BOM + CRLF + upper-case headers.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(
        String::from_utf8(file(&[ROW_OK])).unwrap().to_uppercase().replace("\"", "").replace('\n', "\r\n").as_bytes(),
    );
    let (status, body) = import(&app, "", &bom).await;
    assert_eq!(status, StatusCode::OK, "BOM/CRLF/upper case: {body}");
    assert_eq!(body["data"]["created"], 1);
    // A huge field.
    let huge = ROW_OK.replace("\"management\"", &format!("\"{}\"", "x".repeat(100_000)));
    let (status, body) = import(&app, "", &file(&[&huge])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "job");
    // Not UTF-8 (Latin-1 'é').
    let mut latin1 = file(&[]);
    latin1.extend_from_slice(b"58;\"management\";\"married\";\"tertiary\";\"no\";2143;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"\xe9\n");
    let (status, body) = import(&app, "", &latin1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("UTF-8"), "{body}");
    // Ragged row.
    let (status, body) = import(&app, "mode=skip", &file(&[ROW_OK, "58;\"management\""])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["rejected"], 1);
    // Binary junk and legacy XLS.
    let (status, _) = import(&app, "", &[0u8, 1, 2, 3, 0, 0, 9]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = import(&app, "", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // No file field, bad parameter.
    let response = app
        .authed(Method::POST, "/api/v1/customers/import", &app.admin.token)
        .multipart(reqwest::multipart::Form::new().text("other", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (status, body) = import(&app, "mode=lenient", SAMPLE_CSV).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "mode");
}

#[tokio::test]
async fn limits_on_file_size_and_rows() {
    let app = TestApp::spawn_with(|c| {
        c.max_import_bytes = 2_000;
        c.max_import_rows = 3;
    })
    .await;
    let (status, _) = import(&app, "", &file(&[ROW_OK; 30])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "over the byte limit");
    let (status, body) = import(&app, "", &file(&[ROW_OK; 4])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["message"].as_str().unwrap().contains("3 data rows"));
    assert_eq!(total(&app, "").await, 0);
}

#[tokio::test]
async fn conflicts_match_on_external_id_then_email() {
    let app = TestApp::spawn().await;
    let header = "externalId,email,name,age,job,marital,education,default,balance,housing,loan,contact,day,month,campaign,pdays,previous,poutcome";
    let first = format!(
        "{header}\nC-1,a@example.com,Ana,30,admin.,single,primary,no,100,no,no,cellular,1,jan,1,-1,0,unknown\n,b@example.com,Bea,40,retired,married,primary,no,200,no,no,cellular,1,jan,1,-1,0,unknown\n"
    );
    let (status, body) = import(&app, "", first.as_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["created"], 2);
    let second = format!(
        "{header}\nC-1,a@example.com,Ana Changed,31,admin.,single,primary,no,999,no,no,cellular,1,jan,1,-1,0,unknown\nC-2,b@example.com,Bea Changed,41,retired,married,primary,no,999,no,no,cellular,1,jan,1,-1,0,unknown\nC-3,c@example.com,Cid,50,student,single,primary,no,5,no,no,cellular,1,jan,1,-1,0,unknown\n"
    );
    let (_, body) = import(&app, "onConflict=skip", second.as_bytes()).await;
    assert_eq!((body["data"]["created"].as_u64(), body["data"]["skipped"].as_u64()), (Some(1), Some(2)), "{body}");
    assert_eq!(total(&app, "q=changed").await, 0);
    let (_, body) = import(&app, "onConflict=update", second.as_bytes()).await;
    assert_eq!((body["data"]["updated"].as_u64(), body["data"]["created"].as_u64()), (Some(3), Some(0)), "{body}");
    assert_eq!(total(&app, "q=changed").await, 2);
    assert_eq!(total(&app, "q=C-2").await, 1, "matched by e-mail, the row's externalId was adopted");
    assert_eq!(total(&app, "").await, 3);
}

fn xlsx_file(build: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    build(&mut workbook);
    workbook.save_to_buffer().unwrap()
}

fn write_uci_sheet(sheet: &mut rust_xlsxwriter::Worksheet, first_row: u32, with_formula: bool) {
    let header = [
        "age",
        "job",
        "marital",
        "education",
        "default",
        "balance",
        "housing",
        "loan",
        "contact",
        "day",
        "month",
        "duration",
        "campaign",
        "pdays",
        "previous",
        "poutcome",
        "y",
    ];
    for (col, name) in header.iter().enumerate() {
        sheet.write_string(first_row, col as u16, *name).unwrap();
    }
    let rows = [(58.0, "management", 2143.0), (44.0, "technician", 29.0)];
    // A blank row between the two data rows.
    for (i, (age, job, balance)) in rows.iter().enumerate() {
        let r = first_row + 1 + 2 * i as u32;
        sheet.write_number(r, 0, *age).unwrap();
        sheet.write_string(r, 1, *job).unwrap();
        sheet.write_string(r, 2, "married").unwrap();
        sheet.write_string(r, 3, "tertiary").unwrap();
        sheet.write_string(r, 4, "no").unwrap();
        if with_formula && i == 1 {
            sheet.write_formula(r, 5, rust_xlsxwriter::Formula::new("=10+19").set_result("29")).unwrap();
        } else {
            sheet.write_number(r, 5, *balance).unwrap();
        }
        sheet.write_boolean(r, 6, true).unwrap();
        sheet.write_string(r, 7, "no").unwrap();
        sheet.write_string(r, 8, "unknown").unwrap();
        sheet.write_number(r, 9, 5.0).unwrap();
        sheet.write_string(r, 10, "may").unwrap();
        sheet.write_number(r, 11, 261.0).unwrap();
        sheet.write_number(r, 12, 1.0).unwrap();
        sheet.write_number(r, 13, -1.0).unwrap();
        sheet.write_number(r, 14, 0.0).unwrap();
        sheet.write_string(r, 15, "unknown").unwrap();
        sheet.write_string(r, 16, "no").unwrap();
    }
}

#[tokio::test]
async fn xlsx_imports_with_formulas_blank_rows_and_several_sheets() {
    let app = TestApp::spawn().await;
    let bytes = xlsx_file(|wb| {
        wb.add_worksheet().set_name("Notes").unwrap();
        let sheet = wb.add_worksheet();
        write_uci_sheet(sheet, 2, true);
        let other = wb.add_worksheet();
        other.write_string(0, 0, "ignored").unwrap();
    });
    let (status, body) = import(&app, "", &bytes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["created"], 2);
    let (_, list) =
        app.call(Method::GET, "/api/v1/customers?sortBy=age&sortDir=asc", Some(&app.admin.token), None).await;
    assert_eq!(list["data"]["items"][0]["balance"], 29, "the formula's value was imported");
    assert_eq!(list["data"]["items"][0]["housing"], true);

    // Row numbers in errors are the spreadsheet's.
    let bad = xlsx_file(|wb| {
        let sheet = wb.add_worksheet();
        write_uci_sheet(sheet, 0, false);
        sheet.write_number(3, 0, 7.0).unwrap();
    });
    let (status, body) = import(&app, "", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["row"], 4);
    assert_eq!(body["errors"][0]["field"], "age");
}

async fn export(app: &TestApp, format: &str) -> Vec<u8> {
    let response = app
        .authed(Method::GET, &format!("/api/v1/customers/export?format={format}"), &app.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("content-disposition").unwrap().to_str().unwrap().contains(&format!(".{format}")));
    response.bytes().await.unwrap().to_vec()
}

fn attribute_rows(csv_bytes: &[u8]) -> Vec<Vec<String>> {
    // Everything but id, score columns and createdAt, sorted, so two bases compare by content.
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let headers = reader.headers().unwrap().clone();
    let skip = ["id", "score", "probability", "tier", "modelVersion", "scoredAt", "createdAt"];
    let keep: Vec<usize> = headers.iter().enumerate().filter(|(_, h)| !skip.contains(h)).map(|(i, _)| i).collect();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            keep.iter().map(|i| r[*i].to_owned()).collect()
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn export_reimports_to_the_same_data_in_both_formats() {
    let source = TestApp::spawn().await;
    let header = "externalId,name,email,phone,city,age,job,marital,education,default,balance,housing,loan,contact,day,month,duration,campaign,pdays,previous,poutcome,y";
    let text = format!(
        "{header}\nX-1,\"Silva, Ana\",ana@example.com,+351 1,Lisboa,30,admin.,single,primary,no,-100,no,yes,cellular,1,jan,,1,-1,0,unknown,\nX-2,\"Quote \"\"Q\"\" Name\",,,Porto,90,retired,divorced,unknown,yes,0,yes,no,telephone,31,dec,4000,63,871,275,success,yes\n"
    );
    let (status, body) = import(&source, "", text.as_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    import(&source, "", &std::fs::read(shared("bank-marketing/bank.csv")).unwrap()).await;
    let csv_export = export(&source, "csv").await;
    assert!(csv_export.starts_with(b"id,externalId,name"));

    let target = TestApp::spawn().await;
    let (status, body) = import(&target, "", &csv_export).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["created"], 4523);
    assert!(body["data"]["unknownColumns"].as_array().unwrap().is_empty(), "our own columns are known: {body}");
    assert_eq!(attribute_rows(&export(&target, "csv").await), attribute_rows(&csv_export));

    let xlsx = export(&source, "xlsx").await;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.clone())).unwrap();
    use calamine::Reader;
    let range = workbook.worksheet_range("Customers").unwrap();
    assert_eq!(range.get_size().0, 4524, "header + every customer");
    assert!(matches!(range.get((1, 6)), Some(calamine::Data::Float(_))), "age is a number cell");
    let third = TestApp::spawn().await;
    let (status, body) = import(&third, "", &xlsx).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(attribute_rows(&export(&third, "csv").await), attribute_rows(&csv_export));
}

#[tokio::test]
async fn export_honours_the_filters() {
    let app = TestApp::spawn().await;
    import(&app, "", &std::fs::read(shared("bank-marketing/bank.csv")).unwrap()).await;
    let response = app
        .authed(Method::GET, "/api/v1/customers/export?job=retired&format=csv", &app.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("content-type").unwrap(), "text/csv; charset=utf-8");
    let text = response.text().await.unwrap();
    assert_eq!(text.lines().count(), 231, "header + 230 retired customers");
    assert!(text.lines().skip(1).all(|l| l.contains(",retired,")));
    let (_, trail) = app
        .call(
            Method::GET,
            &format!("/api/v1/users/{}/activities?action=CUSTOMERS_EXPORTED", app.admin.id),
            Some(&app.admin.token),
            None,
        )
        .await;
    assert_eq!(trail["data"]["pagination"]["totalItems"], 1);
}

#[tokio::test]
async fn bank_full_imports_unchanged() {
    let app = TestApp::spawn().await;
    let (status, body) = import(&app, "", &std::fs::read(shared("bank-marketing/bank-full.csv")).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["created"], 45211);
    assert_eq!(total(&app, "").await, 45211);
}

#[tokio::test]
async fn search_folds_case_beyond_ascii() {
    let app = TestApp::spawn().await;
    let mut body = customer_json("u1");
    body["name"] = json!("João Gonçalves");
    body["city"] = json!("Évora");
    let (status, _) = app.call(Method::POST, "/api/v1/customers", Some(&app.admin.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    for q in ["JOÃO", "gonçalves", "évora", "ÉVORA", "cif-u1"] {
        assert_eq!(total(&app, &format!("q={}", urlencode(q))).await, 1, "{q}");
    }
    assert_eq!(total(&app, "q=%25").await, 0, "a literal % matches nothing");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Scoring an import runs the model in chunks: a file of 13,563 rows is never one model call (the encoded input of
/// a whole large file is hundreds of megabytes, and encoding it at once held an async worker for seconds). The
/// metrics label each call by its rows.
#[tokio::test]
async fn scoring_an_import_calls_the_model_in_bounded_chunks() {
    let app = TestApp::spawn().await;
    let sample = bank_sample();
    let (header, rows) = sample.split_once('\n').unwrap();
    let file = format!("{header}\n{rows}{rows}{rows}");
    let (status, body) = import(&app, "score=true", file.as_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["scoring"]["scored"], 13_563, "{body}");
    let metrics = app.request(Method::GET, "/metrics").send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"scoring_inference_duration_seconds_count{batch_rows="1001-10000"}"#), "{metrics}");
    assert!(!metrics.contains(r#"batch_rows="10001+""#), "one call scored more than 10,000 rows");
}

/// `Accept` chooses the export's format when `format=` is absent; `format=` wins over it; an `Accept` that allows
/// neither format is a 406 in the error envelope.
#[tokio::test]
async fn accept_chooses_the_export_format_and_format_wins() {
    let app = TestApp::spawn().await;
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let cases = [
        (None, "", "text/csv; charset=utf-8"),
        (Some(xlsx), "", xlsx),
        (Some("text/csv;q=0.5, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "", xlsx),
        (
            Some("text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;q=0.2"),
            "",
            "text/csv; charset=utf-8",
        ),
        (Some("text/html,application/xhtml+xml,*/*;q=0.8"), "", "text/csv; charset=utf-8"),
        (Some("application/*"), "", xlsx),
        (Some(xlsx), "?format=csv", "text/csv; charset=utf-8"),
        (Some("application/json"), "?format=xlsx", xlsx),
    ];
    for (accept, query, expected) in cases {
        let mut request = app.authed(Method::GET, &format!("/api/v1/customers/export{query}"), &app.admin.token);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accept:?} {query}");
        assert_eq!(response.headers()["content-type"], expected, "{accept:?} {query}");
    }
    for accept in ["application/json", "text/csv;q=0, image/png"] {
        let request = app.authed(Method::GET, "/api/v1/customers/export", &app.admin.token).header("accept", accept);
        let (status, body) = app.send(request).await;
        assert_eq!(status, StatusCode::NOT_ACCEPTABLE, "{accept}: {body}");
        assert_eq!(body["status"], "fail");
    }
}
