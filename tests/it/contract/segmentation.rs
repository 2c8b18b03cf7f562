//! `SegmentationRepository`: datasets, analyses, segments and customer results, on every adapter.

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, TimeZone, Utc};
use leadscore_application::AppError;
use leadscore_application::segmentation::{
    CustomerResultFilter, CustomerResultQuery, CustomerResultSort, DatasetQuery, DatasetSortField,
    SegmentationRepository,
};
use leadscore_application::users::UserRepository;
use leadscore_domain::RowError;
use leadscore_domain::pagination::{PageRequest, SortDir};
use leadscore_domain::segmentation::{
    Analysis, Dataset, DatasetFormat, DatasetProfile, DroppedRows, KCandidate, RfmTriple, Segment, SegmentedCustomer,
    Stat,
};
use leadscore_domain::users::{Email, NewUser, Role};
use leadscore_infrastructure::repositories::{SqlSegmentationRepository, SqlUserRepository};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap() + Duration::microseconds(123_457)
}

async fn owner(db: &DatabaseConnection) -> Uuid {
    let user = NewUser {
        id: Uuid::now_v7(),
        email: Email::parse(&format!("owner-{}@bank.example", Uuid::new_v4().simple())).unwrap(),
        username: None,
        full_name: None,
        phone: None,
        address: None,
        role: Role::Sales,
        password_hash: "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0".into(),
        created_at: Utc::now().trunc_subsecs(6),
    }
    .into_user();
    SqlUserRepository::new(db.clone()).insert(&user).await.unwrap();
    user.id
}

fn dataset(owner: Uuid, minutes: i64) -> Dataset {
    let id = Uuid::now_v7();
    Dataset {
        id,
        owner_id: owner,
        format: DatasetFormat::Csv,
        size_bytes: 47_217_126,
        storage_key: format!("datasets/{owner}/{id}.csv"),
        profile: DatasetProfile {
            rows: 541_909,
            kept_rows: 397_884,
            customers: 4_338,
            first_invoice_at: Some(Utc.with_ymd_and_hms(2010, 12, 1, 8, 26, 0).unwrap()),
            last_invoice_at: Some(Utc.with_ymd_and_hms(2011, 12, 9, 12, 50, 0).unwrap()),
            dropped: DroppedRows {
                missing_customer_id: 135_080,
                cancelled: 8_905,
                non_positive_quantity: 0,
                non_positive_price: 40,
                unparseable: 2,
            },
            issues: vec![
                RowError {
                    row: 7,
                    field: "invoiceDate".into(),
                    message: "'soon' is not a date — «ñ» \"quoted\"".into(),
                },
                RowError { row: 90, field: "quantity".into(), message: "'x' is not a number".into() },
            ],
        },
        created_at: t0() + Duration::minutes(minutes),
    }
}

fn segment(cluster: u8, name: &str, size: u64) -> Segment {
    let c = f64::from(cluster);
    Segment {
        cluster,
        name: name.into(),
        size,
        recency: Stat { mean: 12.25 + c, median: 9.0 },
        frequency: Stat { mean: 13.6, median: 9.5 },
        monetary: Stat { mean: 7_021.123_456_789, median: 3288.9 },
        revenue: 5_027_394.2 / (c + 1.0),
        revenue_share: 0.564_123_456_789,
        centroid: RfmTriple { recency: -1.21 + c, frequency: 1.43, monetary: -1.52e-3 },
    }
}

fn analysis(dataset: &Dataset, minutes: i64) -> Analysis {
    Analysis {
        id: Uuid::now_v7(),
        dataset_id: dataset.id,
        owner_id: dataset.owner_id,
        k: 3,
        auto_k: true,
        candidates: vec![KCandidate { k: 2, silhouette: 0.41 }, KCandidate { k: 3, silhouette: 0.433_333_3 }],
        snapshot_date: NaiveDate::from_ymd_opt(2011, 12, 10).unwrap(),
        customers: 5,
        silhouette: 0.433_333_3,
        inertia: 3_167.641_234,
        total_revenue: 8_911_407.904,
        seed: u64::MAX - 1,
        restarts: 10,
        segments: vec![segment(0, "Champions", 2), segment(1, "At Risk", 2), segment(2, "Lost", 1)],
        created_at: t0() + Duration::minutes(minutes),
    }
}

fn customer(id: &str, recency: u32, frequency: u32, monetary: f64, cluster: u8) -> SegmentedCustomer {
    SegmentedCustomer {
        customer_id: id.into(),
        recency,
        frequency,
        monetary,
        r_score: 5 - (recency % 5) as u8,
        f_score: 1 + (frequency % 5) as u8,
        m_score: 3,
        cluster,
        segment: ["Champions", "At Risk", "Lost"][usize::from(cluster)].into(),
    }
}

fn five_customers() -> Vec<SegmentedCustomer> {
    vec![
        customer("12347", 2, 7, 4310.0, 0),
        customer("12348", 75, 4, 1797.24, 1),
        customer("A-99", 2, 7, 4310.0, 0),
        customer("12350", 310, 1, 334.4, 2),
        customer("x12349", 19, 1, 1757.55, 1),
    ]
}

fn all_datasets() -> DatasetQuery {
    DatasetQuery { page: PageRequest::new(1, 100).unwrap(), ..DatasetQuery::default() }
}

fn customer_query(sort_by: CustomerResultSort, sort_dir: SortDir) -> CustomerResultQuery {
    CustomerResultQuery {
        filter: CustomerResultFilter::default(),
        sort_by,
        sort_dir,
        page: PageRequest::new(1, 100).unwrap(),
    }
}

fn ids(customers: &[SegmentedCustomer]) -> Vec<&str> {
    customers.iter().map(|c| c.customer_id.as_str()).collect()
}

async fn datasets_round_trip_and_list_by_owner(db: &DatabaseConnection) {
    let repo = SqlSegmentationRepository::new(db.clone());
    let (ana, bob) = (owner(db).await, owner(db).await);
    let full = dataset(ana, 0);
    let mut bare = dataset(ana, 5);
    bare.format = DatasetFormat::Xlsx;
    bare.profile.first_invoice_at = None;
    bare.profile.last_invoice_at = None;
    bare.profile.issues.clear();
    let bobs = dataset(bob, 10);
    for d in [&full, &bare, &bobs] {
        repo.insert_dataset(d).await.unwrap();
    }

    assert_eq!(repo.find_dataset(full.id).await.unwrap(), Some(full.clone()), "every field comes back");
    assert_eq!(repo.find_dataset(bare.id).await.unwrap(), Some(bare.clone()));
    assert_eq!(repo.find_dataset(Uuid::now_v7()).await.unwrap(), None);

    let page = repo.list_datasets(&DatasetQuery { owner_id: Some(ana), ..all_datasets() }).await.unwrap();
    assert_eq!(page.items, [bare.clone(), full.clone()], "only Ana's, newest first");
    assert_eq!(page.total_items, 2);
    let everyone = repo.list_datasets(&all_datasets()).await.unwrap();
    assert_eq!(everyone.items.iter().map(|d| d.id).collect::<Vec<_>>(), [bobs.id, bare.id, full.id]);
}
super::contract!(datasets_round_trip_and_list_by_owner, datasets_round_trip_and_list_by_owner);

async fn dataset_list_sorts_filters_by_time_and_pages(db: &DatabaseConnection) {
    let repo = SqlSegmentationRepository::new(db.clone());
    let ana = owner(db).await;
    let mut sets: Vec<Dataset> = (0..5).map(|m| dataset(ana, m * 60)).collect();
    for (i, d) in sets.iter_mut().enumerate() {
        d.profile.rows = [300, 100, 500, 100, 200][i];
    }
    for d in &sets {
        repo.insert_dataset(d).await.unwrap();
    }
    let by_rows = repo
        .list_datasets(&DatasetQuery { sort_by: DatasetSortField::Rows, sort_dir: SortDir::Asc, ..all_datasets() })
        .await
        .unwrap();
    // Ties (two with 100 rows) are broken by id in the same direction.
    assert_eq!(
        by_rows.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [sets[1].id, sets[3].id, sets[4].id, sets[0].id, sets[2].id]
    );
    let window = repo
        .list_datasets(&DatasetQuery { from: Some(sets[1].created_at), to: Some(sets[3].created_at), ..all_datasets() })
        .await
        .unwrap();
    assert_eq!(window.items.iter().map(|d| d.id).collect::<Vec<_>>(), [sets[3].id, sets[2].id, sets[1].id]);
    let second =
        repo.list_datasets(&DatasetQuery { page: PageRequest::new(2, 2).unwrap(), ..all_datasets() }).await.unwrap();
    assert_eq!(second.items.iter().map(|d| d.id).collect::<Vec<_>>(), [sets[2].id, sets[1].id]);
    assert_eq!((second.total_items, second.total_pages()), (5, 3));
}
super::contract!(dataset_list_sorts_filters_by_time_and_pages, dataset_list_sorts_filters_by_time_and_pages);

async fn analysis_round_trips_with_segments_and_customers(db: &DatabaseConnection) {
    let repo = SqlSegmentationRepository::new(db.clone());
    let ana = owner(db).await;
    let data = dataset(ana, 0);
    repo.insert_dataset(&data).await.unwrap();
    let first = analysis(&data, 1);
    let mut second = analysis(&data, 2);
    second.auto_k = false;
    second.candidates.clear();
    second.k = 2;
    second.seed = 42;
    second.segments.truncate(2);
    repo.insert_analysis(&first, &five_customers()).await.unwrap();
    repo.insert_analysis(&second, &five_customers()[..2]).await.unwrap();

    assert_eq!(repo.find_analysis(first.id).await.unwrap(), Some(first.clone()), "every field, segments by cluster");
    assert_eq!(repo.find_analysis(Uuid::now_v7()).await.unwrap(), None);
    let of_dataset = repo.analyses_of_dataset(data.id).await.unwrap();
    assert_eq!(of_dataset, [second.clone(), first.clone()], "newest first, each with its own segments");
    assert!(repo.analyses_of_dataset(Uuid::now_v7()).await.unwrap().is_empty());

    let page =
        repo.list_customers(first.id, &customer_query(CustomerResultSort::CustomerId, SortDir::Asc)).await.unwrap();
    let mut expected = five_customers();
    expected.sort_by(|a, b| a.customer_id.cmp(&b.customer_id));
    assert_eq!(page.items, expected, "every customer field comes back");
    assert_eq!(
        repo.list_customers(second.id, &customer_query(CustomerResultSort::CustomerId, SortDir::Asc))
            .await
            .unwrap()
            .total_items,
        2
    );
}
super::contract!(analysis_round_trips_with_segments_and_customers, analysis_round_trips_with_segments_and_customers);

async fn insert_analysis_needs_its_dataset(db: &DatabaseConnection) {
    let repo = SqlSegmentationRepository::new(db.clone());
    let ana = owner(db).await;
    let never_stored = dataset(ana, 0);
    let orphan = analysis(&never_stored, 0);
    let result = repo.insert_analysis(&orphan, &five_customers()).await;
    assert!(matches!(result, Err(AppError::NotFound(_))), "got {result:?}");
    assert_eq!(repo.find_analysis(orphan.id).await.unwrap(), None);
    let page =
        repo.list_customers(orphan.id, &customer_query(CustomerResultSort::Monetary, SortDir::Desc)).await.unwrap();
    assert_eq!(page.total_items, 0);
}
super::contract!(insert_analysis_needs_its_dataset, insert_analysis_needs_its_dataset);

async fn insert_analysis_is_all_or_nothing(db: &DatabaseConnection) {
    let repo = SqlSegmentationRepository::new(db.clone());
    let ana = owner(db).await;
    let data = dataset(ana, 0);
    repo.insert_dataset(&data).await.unwrap();
    // 2,500 customers (three insert batches) whose last one repeats an id: the third batch fails.
    let mut customers: Vec<SegmentedCustomer> = (0..2_500)
        .map(|i| customer(&format!("C{i:05}"), i % 400, 1 + i % 9, f64::from(i) * 1.5, (i % 3) as u8))
        .collect();
    customers[2_499].customer_id = "C00000".into();
    let broken = analysis(&data, 0);
    assert!(repo.insert_analysis(&broken, &customers).await.is_err());
    assert_eq!(repo.find_analysis(broken.id).await.unwrap(), None, "no analysis row");
    assert!(repo.analyses_of_dataset(data.id).await.unwrap().is_empty());
    let none =
        repo.list_customers(broken.id, &customer_query(CustomerResultSort::Monetary, SortDir::Desc)).await.unwrap();
    assert_eq!(none.total_items, 0, "no customer row of the first batches");

    // The same analysis without the duplicate goes in whole.
    customers.pop();
    repo.insert_analysis(&broken, &customers).await.unwrap();
    let all =
        repo.list_customers(broken.id, &customer_query(CustomerResultSort::Monetary, SortDir::Desc)).await.unwrap();
    assert_eq!(all.total_items, 2_499);
}
super::contract!(insert_analysis_is_all_or_nothing, insert_analysis_is_all_or_nothing);

async fn customers_filter_sort_and_page(db: &DatabaseConnection) {
    let repo = SqlSegmentationRepository::new(db.clone());
    let ana = owner(db).await;
    let data = dataset(ana, 0);
    repo.insert_dataset(&data).await.unwrap();
    let run = analysis(&data, 0);
    repo.insert_analysis(&run, &five_customers()).await.unwrap();
    let other = analysis(&data, 1);
    repo.insert_analysis(&other, &[customer("99999", 1, 1, 1.0, 0)]).await.unwrap();
    let list = |query: CustomerResultQuery| {
        let repo = repo.clone();
        async move { repo.list_customers(run.id, &query).await.unwrap() }
    };

    // Ties (12347 and A-99 are equal on recency and monetary) are broken by customer id, in the same direction.
    let page = list(customer_query(CustomerResultSort::Monetary, SortDir::Desc)).await;
    assert_eq!(ids(&page.items), ["A-99", "12347", "12348", "x12349", "12350"]);
    let page = list(customer_query(CustomerResultSort::Recency, SortDir::Asc)).await;
    assert_eq!(ids(&page.items), ["12347", "A-99", "x12349", "12348", "12350"]);
    let page = list(customer_query(CustomerResultSort::Frequency, SortDir::Asc)).await;
    assert_eq!(ids(&page.items), ["12350", "x12349", "12348", "12347", "A-99"]);
    for sort in [
        CustomerResultSort::RScore,
        CustomerResultSort::FScore,
        CustomerResultSort::MScore,
        CustomerResultSort::Cluster,
    ] {
        assert_eq!(list(customer_query(sort, SortDir::Asc)).await.total_items, 5, "{sort:?}");
    }
    let page = list(customer_query(CustomerResultSort::Cluster, SortDir::Desc)).await;
    assert_eq!(ids(&page.items), ["12350", "x12349", "12348", "A-99", "12347"]);

    let filtered = |clusters: Vec<u8>, q: Option<&str>| CustomerResultQuery {
        filter: CustomerResultFilter { clusters, q: q.map(str::to_owned) },
        ..customer_query(CustomerResultSort::CustomerId, SortDir::Asc)
    };
    assert_eq!(ids(&list(filtered(vec![1], None)).await.items), ["12348", "x12349"]);
    assert_eq!(ids(&list(filtered(vec![0, 2], None)).await.items), ["12347", "12350", "A-99"]);
    assert_eq!(ids(&list(filtered(vec![], Some("a-9"))).await.items), ["A-99"], "case-insensitive substring");
    assert_eq!(ids(&list(filtered(vec![1], Some("123"))).await.items), ["12348", "x12349"]);
    assert!(list(filtered(vec![], Some("%"))).await.items.is_empty(), "% is literal");

    let paged = CustomerResultQuery {
        page: PageRequest::new(2, 2).unwrap(),
        ..customer_query(CustomerResultSort::CustomerId, SortDir::Asc)
    };
    let second = list(paged).await;
    assert_eq!(ids(&second.items), ["12350", "A-99"]);
    assert_eq!((second.total_items, second.total_pages()), (5, 3));

    let export = repo
        .all_customers(
            run.id,
            &CustomerResultFilter { clusters: vec![0, 1], q: None },
            CustomerResultSort::Monetary,
            SortDir::Desc,
        )
        .await
        .unwrap();
    assert_eq!(ids(&export), ["A-99", "12347", "12348", "x12349"]);
    assert!(
        repo.all_customers(
            Uuid::now_v7(),
            &CustomerResultFilter::default(),
            CustomerResultSort::Monetary,
            SortDir::Desc
        )
        .await
        .unwrap()
        .is_empty()
    );
}
super::contract!(customers_filter_sort_and_page, customers_filter_sort_and_page);

async fn deleting_cascades(db: &DatabaseConnection) {
    let repo = SqlSegmentationRepository::new(db.clone());
    let ana = owner(db).await;
    let (data, kept) = (dataset(ana, 0), dataset(ana, 1));
    repo.insert_dataset(&data).await.unwrap();
    repo.insert_dataset(&kept).await.unwrap();
    let (one, two, elsewhere) = (analysis(&data, 0), analysis(&data, 1), analysis(&kept, 2));
    for a in [&one, &two, &elsewhere] {
        repo.insert_analysis(a, &five_customers()).await.unwrap();
    }
    let count = |id: Uuid| {
        let repo = repo.clone();
        async move {
            repo.list_customers(id, &customer_query(CustomerResultSort::Monetary, SortDir::Desc))
                .await
                .unwrap()
                .total_items
        }
    };

    assert!(repo.delete_analysis(one.id).await.unwrap());
    assert!(!repo.delete_analysis(one.id).await.unwrap(), "already gone");
    assert_eq!(repo.find_analysis(one.id).await.unwrap(), None);
    assert_eq!(count(one.id).await, 0);
    assert_eq!(count(two.id).await, 5);

    assert!(repo.delete_dataset(data.id).await.unwrap());
    assert!(!repo.delete_dataset(data.id).await.unwrap());
    assert_eq!(repo.find_dataset(data.id).await.unwrap(), None);
    assert_eq!(repo.find_analysis(two.id).await.unwrap(), None, "its analyses go with it");
    assert_eq!(count(two.id).await, 0);
    assert_eq!(repo.find_analysis(elsewhere.id).await.unwrap(), Some(elsewhere.clone()), "other datasets stay");
    assert_eq!(count(elsewhere.id).await, 5);
}
super::contract!(deleting_cascades, deleting_cascades);
