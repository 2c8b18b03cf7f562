//! RFM segmentation over HTTP: upload, analyses, results, exports, ownership, bad files — and S2's 4,338 customers
//! on the real Online Retail file.

use leadscore_application::segmentation::{KMeansSettings, analyse, read_transactions};
use leadscore_domain::segmentation::ClusterCount;
use leadscore_tests::fixtures::{PNG, file_form};
use leadscore_tests::{TestApp, TestUser};
use reqwest::multipart::Form;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const HEADER: &str = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

/// Twelve customers in three clear groups (four recent big spenders, four middling, four old one-off buyers), plus
/// a row without CustomerID, a cancellation, a zero price and a return.
fn sample_csv() -> String {
    let mut csv = String::from(HEADER);
    let mut invoice = 540_000;
    for c in 0..4 {
        for day in [1, 5, 9, 12, 15, 20] {
            invoice += 1;
            csv.push_str(&format!(
                "{invoice},22633,HAND WARMER,{},2011-12-{day:02} 10:00:00,10,{},United Kingdom\n",
                10 + c,
                100 + c
            ));
        }
    }
    for c in 0..4 {
        for day in [1, 8] {
            invoice += 1;
            csv.push_str(&format!(
                "{invoice},85123A,\"HEART, WHITE\",{},2011-10-{day:02} 10:00:00,5,{},France\n",
                3 + c,
                200 + c
            ));
        }
    }
    for c in 0..4 {
        invoice += 1;
        csv.push_str(&format!(
            "{invoice},71053,LANTERN,1,2011-01-{:02} 10:00:00,{},{},Germany\n",
            3 + c,
            2 + c,
            300 + c
        ));
    }
    csv.push_str("549999,22139,RETROSPOT,6,2011-12-01 09:00:00,4.25,,United Kingdom\n");
    csv.push_str("C549998,22139,RETROSPOT,-6,2011-12-01 09:00:00,4.25,100,United Kingdom\n");
    csv.push_str("549997,D,Gift,1,2011-12-01 09:00:00,0,100,United Kingdom\n");
    csv.push_str("549996,22139,RETROSPOT,-2,2011-12-01 09:00:00,4.25,100,United Kingdom\n");
    csv
}

/// A small valid dataset upload, for the role matrix.
pub(super) fn dataset_form() -> Form {
    file_form(sample_csv(), "sales.csv", None)
}

async fn upload(app: &TestApp, user: &TestUser, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = file_form(bytes, "transactions.csv", None);
    app.send(app.authed(Method::POST, "/api/v1/segmentation/datasets", &user.token).multipart(form)).await
}

/// Uploads the sample and answers the dataset id.
async fn uploaded(app: &TestApp, user: &TestUser) -> String {
    let (status, body) = upload(app, user, sample_csv().into_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["data"]["id"].as_str().unwrap().to_owned()
}

async fn analysed(app: &TestApp, user: &TestUser, dataset: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, &format!("/api/v1/segmentation/datasets/{dataset}/analyses"), Some(&user.token), Some(body))
        .await
}

async fn actions_of(app: &TestApp, user: &TestUser) -> Vec<String> {
    let (_, body) = app
        .call(Method::GET, &format!("/api/v1/users/{}/activities?limit=100", user.id), Some(&app.admin.token), None)
        .await;
    body["data"]["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn upload_analyse_read_export_and_delete() {
    full_flow(TestApp::spawn().await).await;
}

#[tokio::test]
async fn upload_analyse_read_export_and_delete_on_postgres() {
    let Some(db) = leadscore_tests::TestDb::postgres().await else { return };
    full_flow(TestApp::spawn_on(db, |_| {}).await).await;
}

async fn full_flow(app: TestApp) {
    let user = app.user("Sales").await;
    let (status, body) = upload(&app, &user, sample_csv().into_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let dataset = &body["data"];
    assert_eq!(dataset["format"], "csv");
    assert_eq!(dataset["ownerId"], user.id);
    assert_eq!(
        (dataset["rows"].as_u64(), dataset["keptRows"].as_u64(), dataset["customers"].as_u64()),
        (Some(40), Some(36), Some(12))
    );
    assert_eq!(
        dataset["dropped"],
        json!({"missingCustomerId": 1, "cancelled": 1, "nonPositiveQuantity": 1, "nonPositivePrice": 1, "unparseable": 0, "total": 4})
    );
    assert_eq!(dataset["firstInvoiceAt"], "2011-01-03T10:00:00Z");
    assert_eq!(dataset["lastInvoiceAt"], "2011-12-20T10:00:00Z");
    let id = dataset["id"].as_str().unwrap().to_owned();
    let key = format!("datasets/{}/{id}.csv", user.id);
    assert_eq!(std::fs::read(app.storage.path().join(&key)).unwrap(), sample_csv().into_bytes(), "kept as uploaded");

    let (_, list) = app.call(Method::GET, "/api/v1/segmentation/datasets", Some(&user.token), None).await;
    assert_eq!(list["data"]["pagination"]["totalItems"], 1);
    assert_eq!(list["data"]["items"][0]["id"], id.as_str());

    let (status, body) = analysed(&app, &user, &id, json!({"k": 3})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let analysis = &body["data"];
    assert_eq!((analysis["k"].as_u64(), analysis["kMode"].as_str()), (Some(3), Some("fixed")));
    assert_eq!(analysis["snapshotDate"], "2011-12-21");
    assert_eq!(analysis["customers"], 12);
    assert_eq!((analysis["seed"].as_u64(), analysis["restarts"].as_u64()), (Some(42), Some(10)));
    let segments = analysis["segments"].as_array().unwrap();
    let names: Vec<&str> = segments.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names[0], "Champions");
    assert_eq!(names[2], "Lost");
    assert_eq!(segments.iter().map(|s| s["size"].as_u64().unwrap()).collect::<Vec<_>>(), [4, 4, 4]);
    assert_eq!(segments[0]["frequency"], json!({"mean": 6.0, "median": 6.0}));
    assert_eq!(segments[0]["customerShare"].as_f64().map(|s| (s * 3.0).round()), Some(1.0));
    assert!(analysis["silhouette"].as_f64().unwrap() > 0.5, "{analysis}");
    let analysis_id = analysis["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/segmentation/analyses/{analysis_id}");

    let (status, again) = app.call(Method::GET, &base, Some(&user.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["data"], body["data"], "read back as created");
    let (_, detail) =
        app.call(Method::GET, &format!("/api/v1/segmentation/datasets/{id}"), Some(&user.token), None).await;
    assert_eq!(detail["data"]["analyses"][0]["id"], analysis_id.as_str());
    assert_eq!(detail["data"]["customers"], 12);

    let (status, page) = app
        .call(
            Method::GET,
            &format!("{base}/customers?segment=champions&sortBy=customerId&sortDir=asc&limit=3"),
            Some(&user.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        page["data"]["pagination"],
        json!({"currentPage": 1, "totalPages": 2, "totalItems": 4, "itemsPerPage": 3})
    );
    let first = &page["data"]["items"][0];
    assert_eq!(first["customerId"], "100");
    assert_eq!(
        (first["recency"].as_u64(), first["frequency"].as_u64(), first["monetary"].as_f64()),
        (Some(1), Some(6), Some(600.0))
    );
    assert_eq!(first["segment"], "Champions");
    assert_eq!(first["rfmScore"], format!("{}{}{}", first["rScore"], first["fScore"], first["mScore"]));
    let (_, by_money) = app.call(Method::GET, &format!("{base}/customers?limit=1"), Some(&user.token), None).await;
    assert_eq!(by_money["data"]["items"][0]["customerId"], "103", "default: biggest spender first");
    let (_, lost) = app.call(Method::GET, &format!("{base}/customers?cluster=2&q=30"), Some(&user.token), None).await;
    assert_eq!(lost["data"]["pagination"]["totalItems"], 4);
    for bad in ["segment=Nobody", "cluster=7", "limit=101", "sortBy=age", "colour=red"] {
        let (status, body) = app.call(Method::GET, &format!("{base}/customers?{bad}"), Some(&user.token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }

    let csv = app.authed(Method::GET, &format!("{base}/customers/export"), &user.token).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(
        csv.headers()["content-disposition"],
        format!("attachment; filename=\"rfm-{analysis_id}.csv\"").as_str()
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "customerId,recency,frequency,monetary,rScore,fScore,mScore,rfmScore,cluster,segment");
    assert_eq!(lines.len(), 13);
    assert!(lines[1].starts_with("103,1,6,780.00,"), "{}", lines[1]);

    let xlsx = app
        .authed(Method::GET, &format!("{base}/customers/export?format=xlsx&segment=Lost&sortBy=recency"), &user.token)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert_eq!(xlsx.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), ["Customers", "Segments"]);
    let customers = workbook.worksheet_range("Customers").unwrap();
    assert_eq!(customers.height(), 5, "header and the four Lost customers");
    assert_eq!(customers.get((0, 0)), Some(&calamine::Data::String("customerId".into())));
    assert_eq!(customers.get((1, 0)), Some(&calamine::Data::String("300".into())), "recency desc: the oldest first");
    assert_eq!(customers.get((1, 1)), Some(&calamine::Data::Float(352.0)), "numbers are number cells");
    let summary = workbook.worksheet_range("Segments").unwrap();
    assert_eq!(summary.height(), 4);
    assert_eq!(summary.get((1, 1)), Some(&calamine::Data::String("Champions".into())));

    let (status, _) = app.call(Method::DELETE, &base, Some(&user.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call(Method::GET, &base, Some(&user.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call(Method::GET, &format!("{base}/customers"), Some(&user.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, body) = analysed(&app, &user, &id, json!({})).await;
    let second = body["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(body["data"]["k"], 5, "k defaults to 5");
    let (status, _) =
        app.call(Method::DELETE, &format!("/api/v1/segmentation/datasets/{id}"), Some(&user.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!app.storage.path().join(&key).exists(), "the stored file goes with the dataset");
    let (status, _) =
        app.call(Method::GET, &format!("/api/v1/segmentation/datasets/{id}"), Some(&user.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        app.call(Method::GET, &format!("/api/v1/segmentation/analyses/{second}"), Some(&user.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "its analyses go with it");

    let actions = actions_of(&app, &user).await;
    for action in ["DATASET_UPLOADED", "ANALYSIS_CREATED", "ANALYSIS_EXPORTED", "ANALYSIS_DELETED", "DATASET_DELETED"] {
        assert!(actions.iter().any(|a| a == action), "{action} missing from {actions:?}");
    }
}

#[tokio::test]
async fn datasets_and_analyses_belong_to_their_uploader() {
    let app = TestApp::spawn().await;
    let owner = app.user("Sales").await;
    let stranger = app.user("Sales").await;
    let manager = app.user("Manager").await;
    let id = uploaded(&app, &owner).await;
    let (_, body) = analysed(&app, &owner, &id, json!({"k": 2})).await;
    let analysis = body["data"]["id"].as_str().unwrap().to_owned();

    let dataset_path = format!("/api/v1/segmentation/datasets/{id}");
    let analysis_path = format!("/api/v1/segmentation/analyses/{analysis}");
    for other in [&stranger, &manager] {
        for (method, path) in [
            (Method::GET, dataset_path.clone()),
            (Method::GET, analysis_path.clone()),
            (Method::GET, format!("{analysis_path}/customers")),
            (Method::GET, format!("{analysis_path}/customers/export")),
            (Method::DELETE, analysis_path.clone()),
            (Method::DELETE, dataset_path.clone()),
        ] {
            let (status, body) = app.call(method.clone(), &path, Some(&other.token), None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
        }
        let (status, _) = analysed(&app, other, &id, json!({"k": 2})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = app.call(Method::GET, "/api/v1/segmentation/datasets", Some(&other.token), None).await;
        assert_eq!(list["data"]["pagination"]["totalItems"], 0, "nobody else's uploads are listed");
    }

    let admin = app.admin.clone();
    let (_, list) = app.call(Method::GET, "/api/v1/segmentation/datasets", Some(&admin.token), None).await;
    assert_eq!(list["data"]["items"][0]["id"], id.as_str(), "Admin sees everyone's");
    let (status, _) = app.call(Method::GET, &format!("{analysis_path}/customers"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = analysed(&app, &admin, &id, json!({"k": 3})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["data"]["ownerId"], owner.id, "an Admin's analysis belongs to the dataset's owner");
    let (status, _) = app.call(Method::GET, &dataset_path, Some(&owner.token), None).await;
    assert_eq!(status, StatusCode::OK, "the owner still sees it");

    let unknown = uuid::Uuid::now_v7();
    let (status, _) =
        app.call(Method::GET, &format!("/api/v1/segmentation/datasets/{unknown}"), Some(&owner.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) =
        app.call(Method::GET, "/api/v1/segmentation/datasets/not-a-uuid", Some(&owner.token), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "id");
    let (status, _) =
        app.request(Method::GET, "/api/v1/segmentation/datasets").send().await.map(|r| (r.status(), ())).unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn k_auto_and_the_snapshot_date() {
    let app = TestApp::spawn().await;
    let user = app.user("Manager").await;
    let id = uploaded(&app, &user).await;

    let (status, body) = analysed(&app, &user, &id, json!({"k": "auto"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let analysis = &body["data"];
    assert_eq!(analysis["kMode"], "auto");
    let candidates = analysis["candidates"].as_array().unwrap();
    assert_eq!(candidates.iter().map(|c| c["k"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 3, 4, 5, 6, 7, 8]);
    let best = candidates
        .iter()
        .max_by(|a, b| a["silhouette"].as_f64().unwrap().total_cmp(&b["silhouette"].as_f64().unwrap()))
        .unwrap();
    assert_eq!(analysis["silhouette"], best["silhouette"]);
    assert_eq!(analysis["k"], analysis["segments"].as_array().unwrap().len());

    let (status, body) = analysed(&app, &user, &id, json!({"k": 3, "snapshotDate": "2011-12-31"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["snapshotDate"], "2011-12-31");
    let (_, page) = app
        .call(
            Method::GET,
            &format!("/api/v1/segmentation/analyses/{}/customers?q=100", body["data"]["id"].as_str().unwrap()),
            Some(&user.token),
            None,
        )
        .await;
    assert_eq!(page["data"]["items"][0]["recency"], 11, "days from 2011-12-20 to 2011-12-31");

    let (status, body) = analysed(&app, &user, &id, json!({"snapshotDate": "2011-12-19"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "snapshotDate", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("2011-12-20"));
}

#[tokio::test]
async fn k_is_checked() {
    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;
    let id = uploaded(&app, &user).await;
    for bad in [
        json!({"k": 1}),
        json!({"k": 11}),
        json!({"k": "many"}),
        json!({"k": 2.5}),
        json!({"snapshotDate": "2011-02-30"}),
        json!({"clusters": 3}),
    ] {
        let (status, body) = analysed(&app, &user, &id, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (_, body) = analysed(&app, &user, &id, json!({"k": 0})).await;
    assert_eq!(body["errors"][0]["field"], "k");

    // Four customers: k must be less than that.
    let mut small = String::from(HEADER);
    for (i, customer) in ["A", "B", "C", "D"].iter().enumerate() {
        small.push_str(&format!("{i},x,y,{},2011-12-0{} 10:00,1.5,{customer},UK\n", i + 1, i + 1));
    }
    let (status, body) = upload(&app, &user, small.into_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let small_id = body["data"]["id"].as_str().unwrap().to_owned();
    for k in [4, 5] {
        let (status, body) = analysed(&app, &user, &small_id, json!({"k": k})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["errors"][0]["field"], "k");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("(4)"), "{body}");
    }
    let (status, body) = analysed(&app, &user, &small_id, json!({"k": 3})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = app
        .authed(Method::POST, &format!("/api/v1/segmentation/datasets/{small_id}/analyses"), &user.token)
        .body("k=3")
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn xlsx_uploads_are_read_like_csv() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    // Headers in other spellings, the columns in another order, without Country.
    for (col, name) in
        ["customer id", "INVOICENO", "Description", "Quantity", "Price", "InvoiceDate"].iter().enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    let rows: [(f64, &str, f64, f64, &str); 5] = [
        (17850.0, "536365", 6.0, 2.55, "2010-12-01 08:26:00"),
        (17850.0, "536366", 2.0, 1.85, "2010-12-02 09:00:00"),
        (13047.0, "536367", 3.0, 4.95, "2010-12-01 08:34:00"),
        (12583.0, "C536368", -1.0, 4.95, "2010-12-01 08:35:00"),
        (12583.0, "536369", 12.0, 0.85, "2010-12-01 08:45:00"),
    ];
    for (i, (customer, invoice, quantity, price, when)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, *customer).unwrap();
        sheet.write_string(row, 1, *invoice).unwrap();
        sheet.write_string(row, 2, "ITEM").unwrap();
        sheet.write_number(row, 3, *quantity).unwrap();
        sheet.write_number(row, 4, *price).unwrap();
        if i == 2 {
            sheet.write_string(row, 5, *when).unwrap(); // a date typed as text
        } else {
            sheet.write_datetime_with_format(row, 5, ExcelDateTime::parse_from_str(when).unwrap(), &date).unwrap();
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();

    let (status, body) = upload(&app, &user, bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let dataset = &body["data"];
    assert_eq!(dataset["format"], "xlsx");
    assert_eq!(
        (dataset["rows"].as_u64(), dataset["keptRows"].as_u64(), dataset["customers"].as_u64()),
        (Some(5), Some(4), Some(3))
    );
    assert_eq!(dataset["dropped"]["cancelled"], 1);
    assert_eq!(dataset["lastInvoiceAt"], "2010-12-02T09:00:00Z");
    let id = dataset["id"].as_str().unwrap();
    assert!(app.storage.path().join(format!("datasets/{}/{id}.xlsx", user.id)).exists());

    let (status, body) = analysed(&app, &user, id, json!({"k": 2})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, page) = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/segmentation/analyses/{}/customers?sortBy=customerId&sortDir=asc",
                body["data"]["id"].as_str().unwrap()
            ),
            Some(&user.token),
            None,
        )
        .await;
    let ids: Vec<&str> =
        page["data"]["items"].as_array().unwrap().iter().map(|c| c["customerId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["12583", "13047", "17850"], "numeric ids lose their .0");
    assert_eq!(page["data"]["items"][2]["frequency"], 2);
    assert!((page["data"]["items"][2]["monetary"].as_f64().unwrap() - (6.0 * 2.55 + 2.0 * 1.85)).abs() < 1e-9);
}

#[tokio::test]
async fn malformed_files_are_refused_clearly() {
    let app = TestApp::spawn_with(|c| c.max_dataset_bytes = 4096).await;
    let user = app.user("Sales").await;

    let (status, body) = upload(&app, &user, b"InvoiceNo,Amount,When,UnitPrice\n1,2,2011-01-01,3\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("Quantity") && message.contains("InvoiceDate") && message.contains("CustomerID"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["row"], 1);
    assert_eq!(
        body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect::<Vec<_>>(),
        ["quantity", "invoiceDate", "customerId"]
    );

    let mut bad_dates = String::from(HEADER);
    for i in 0..3 {
        bad_dates.push_str(&format!("{i},x,y,1,31/31/2011 10:00,1,17850,UK\n"));
    }
    let (status, body) = upload(&app, &user, bad_dates.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["totalErrors"], 3);
    assert_eq!(
        body["errors"][0],
        json!({"row": 2, "field": "invoiceDate", "message": "'31/31/2011 10:00' is not a date (expected e.g. 12/9/2011 12:50)"})
    );
    assert_eq!(body["errors"][2]["row"], 4);

    let (status, body) = upload(&app, &user, Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errors"][0]["field"], "file");

    let (status, body) = upload(&app, &user, HEADER.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("no data rows"), "{body}");

    let nothing_usable = format!("{HEADER}1,x,y,1,2011-01-01 10:00,1,,UK\nC2,x,y,-1,2011-01-01 10:00,1,5,UK\n");
    let (status, body) = upload(&app, &user, nothing_usable.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("1 without CustomerID, 1 cancelled"), "{body}");

    // Not UTF-8: Latin-1 text in a column the analysis does not read is fine; in CustomerID it is an unreadable row.
    let mut latin1 = HEADER.as_bytes().to_vec();
    latin1.extend_from_slice(b"1,x,CAF\xc9 AU LAIT,2,2011-01-01 10:00,1.5,17850,UK\n");
    let (status, body) = upload(&app, &user, latin1).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["customers"], 1);
    let mut latin1_id = HEADER.as_bytes().to_vec();
    latin1_id.extend_from_slice(b"1,x,y,2,2011-01-01 10:00,1.5,JOS\xc9,UK\n2,x,y,2,2011-01-01 10:00,1.5,17850,UK\n");
    let (status, body) = upload(&app, &user, latin1_id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"][0],
        json!({"row": 2, "field": "customerId", "message": "'JOS\u{fffd}' is not valid UTF-8 text"})
    );
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(HEADER.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let (status, body) = upload(&app, &user, utf16).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(body["message"].as_str().unwrap().contains("UTF-16"), "{body}");

    let (status, _) = upload(&app, &user, PNG.to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = upload(&app, &user, vec![b'x'; 5000]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let no_file = app
        .authed(Method::POST, "/api/v1/segmentation/datasets", &user.token)
        .multipart(Form::new().text("name", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_file.status(), StatusCode::BAD_REQUEST);

    let (_, list) = app.call(Method::GET, "/api/v1/segmentation/datasets", Some(&user.token), None).await;
    assert_eq!(list["data"]["pagination"]["totalItems"], 1, "only the Latin-1 upload was stored");
    let stored: Vec<_> = std::fs::read_dir(app.storage.path().join(format!("datasets/{}", user.id))).unwrap().collect();
    assert_eq!(stored.len(), 1, "refused files are not kept");
}

#[tokio::test]
async fn the_segment_command_runs_the_pipeline_on_a_local_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sales.csv");
    std::fs::write(&file, sample_csv()).unwrap();
    let file = file.to_str().unwrap();
    leadscore::cli::execute(["leadscore", "segment", file, "--k", "3", "--timings"]).await.unwrap();
    leadscore::cli::execute(["leadscore", "segment", file, "--k", "auto", "--snapshot-date", "2012-01-01"])
        .await
        .unwrap();
    let err = leadscore::cli::execute(["leadscore", "segment", file, "--k", "12"]).await.unwrap_err();
    assert!(err.to_string().contains("k"), "{err}");
    let err =
        leadscore::cli::execute(["leadscore", "segment", file, "--snapshot-date", "2011-01-01"]).await.unwrap_err();
    assert!(err.to_string().contains("snapshotDate"), "{err}");
    let missing = dir.path().join("missing.csv");
    let err = leadscore::cli::execute(["leadscore", "segment", missing.to_str().unwrap()]).await.unwrap_err();
    assert!(err.to_string().contains("missing.csv"), "{err}");
}

#[test]
fn the_online_retail_file_has_4338_customers() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/online-retail/online_retail.csv");
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e} (the shared data sits beside the repository)"));
    let parsed = read_transactions(
        &leadscore_infrastructure::files::FileReader,
        &bytes,
        &leadscore_application::files::FileLimits::default(),
    )
    .unwrap();
    let profile = &parsed.profile;
    assert_eq!(profile.customers, 4_338, "S2's figure");
    assert_eq!((profile.rows, profile.kept_rows), (541_909, 397_884));
    let d = &profile.dropped;
    assert_eq!(
        (d.missing_customer_id, d.cancelled, d.non_positive_quantity, d.non_positive_price, d.unparseable),
        (135_080, 8_905, 0, 40, 0)
    );
    assert_eq!(profile.first_invoice_at.unwrap().to_rfc3339(), "2010-12-01T08:26:00+00:00");
    assert_eq!(profile.last_invoice_at.unwrap().to_rfc3339(), "2011-12-09T12:50:00+00:00");

    let outcome = analyse(&parsed, ClusterCount::Fixed(5), None, &KMeansSettings::default()).unwrap();
    let c12346 = outcome.customers.iter().find(|c| c.customer_id == "12346").unwrap();
    assert_eq!(
        (c12346.recency, c12346.frequency, c12346.monetary),
        (326, 1, 77_183.6),
        "one big order, its cancellation dropped"
    );
    let c12347 = outcome.customers.iter().find(|c| c.customer_id == "12347").unwrap();
    assert_eq!((c12347.recency, c12347.frequency), (3, 7));
    assert!((c12347.monetary - 4_310.0).abs() < 1e-6);
    // scikit-learn's KMeans(5, n_init=10, random_state=42) on the same features reaches inertia 3167.69.
    assert!((outcome.inertia - 3_167.64).abs() < 0.05, "inertia {}", outcome.inertia);
    assert_eq!(outcome.segments.iter().map(|s| s.size).sum::<u64>(), 4_338);
    assert_eq!(outcome.segments[0].name, "Champions");
    assert_eq!(outcome.segments[4].name, "Lost");
}
