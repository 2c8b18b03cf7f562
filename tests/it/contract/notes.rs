//! `NoteRepository`: notes on leads, on every adapter.

use chrono::Duration;
use leadscore_application::campaigns::NoteRepository;
use leadscore_domain::campaigns::{Note, NoteType};
use leadscore_infrastructure::repositories::SqlNoteRepository;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{base_time, lead_of, note, page, run, stored_campaign, stored_customers, stored_user};

fn ids(notes: &[Note]) -> Vec<Uuid> {
    notes.iter().map(|n| n.id).collect()
}

async fn insert_find_and_delete(db: &DatabaseConnection) {
    let repo = SqlNoteRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let amy = stored_user(db, "amy", None).await;
    let campaign = stored_campaign(db, &owner, "Notes", &[&amy]).await;
    let customers = stored_customers(db, 1).await;
    run(db, campaign, &[(&customers[0], 0.4)], base_time()).await;
    let lead = lead_of(db, campaign, &customers[0]).await;

    let feedback = Note {
        note_type: NoteType::Feedback,
        ..note(&lead, Some(&amy), &"Wants a call back after 18:00 — «sí», 'quoted' \"twice\"\n".repeat(60), base_time())
    };
    let system = note(&lead, None, "Pending → Contacted", base_time() + Duration::microseconds(1));
    repo.insert(&feedback).await.unwrap();
    repo.insert(&system).await.unwrap();

    assert_eq!(repo.find(feedback.id).await.unwrap(), Some(feedback.clone()), "every field comes back exactly");
    assert_eq!(repo.find(system.id).await.unwrap(), Some(system.clone()));
    assert_eq!(repo.find(Uuid::now_v7()).await.unwrap(), None);

    assert!(repo.delete(feedback.id).await.unwrap());
    assert_eq!(repo.find(feedback.id).await.unwrap(), None);
    assert!(!repo.delete(feedback.id).await.unwrap(), "nothing left to delete");
    assert_eq!(repo.find(system.id).await.unwrap(), Some(system), "other notes stay");

    // A note must belong to a stored lead.
    let ghost = Note { lead_id: Uuid::now_v7(), ..note(&lead, None, "orphan", base_time()) };
    assert!(repo.insert(&ghost).await.is_err());
    assert_eq!(repo.find(ghost.id).await.unwrap(), None);
}
super::contract!(insert_find_and_delete, insert_find_and_delete);

async fn list_is_newest_first_per_lead_and_pages(db: &DatabaseConnection) {
    let repo = SqlNoteRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let campaign = stored_campaign(db, &owner, "Notes", &[]).await;
    let customers = stored_customers(db, 2).await;
    run(db, campaign, &[(&customers[0], 0.4), (&customers[1], 0.3)], base_time()).await;
    let (a, b) = (lead_of(db, campaign, &customers[0]).await, lead_of(db, campaign, &customers[1]).await);

    let at = |minutes| base_time() + Duration::minutes(minutes);
    let n0 = note(&a, Some(&owner), "first", at(0));
    let n1 = note(&a, None, "second", at(5));
    // Same instant as n1: the larger id (created later) comes first.
    let n2 = note(&a, Some(&owner), "tie", at(5));
    let n3 = note(&a, None, "latest", at(9));
    let on_b = note(&b, None, "elsewhere", at(20));
    for n in [&n2, &n0, &on_b, &n3, &n1] {
        repo.insert(n).await.unwrap();
    }

    let all = repo.list(a.id, page(1, 10)).await.unwrap();
    assert_eq!(ids(&all.items), [n3.id, n2.id, n1.id, n0.id]);
    assert_eq!(all.items[0], n3);
    assert_eq!((all.total_items, all.total_pages()), (4, 1));

    let first = repo.list(a.id, page(1, 3)).await.unwrap();
    assert_eq!(ids(&first.items), [n3.id, n2.id, n1.id]);
    let second = repo.list(a.id, page(2, 3)).await.unwrap();
    assert_eq!(ids(&second.items), [n0.id]);
    assert_eq!((second.total_items, second.total_pages()), (4, 2));
    assert!(repo.list(a.id, page(3, 3)).await.unwrap().items.is_empty());

    assert_eq!(repo.list(b.id, page(1, 10)).await.unwrap().items, [on_b]);
    let none = repo.list(Uuid::now_v7(), page(1, 10)).await.unwrap();
    assert_eq!((none.items.len(), none.total_items), (0, 0));
}
super::contract!(list_is_newest_first_per_lead_and_pages, list_is_newest_first_per_lead_and_pages);
