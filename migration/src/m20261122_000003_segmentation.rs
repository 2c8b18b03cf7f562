//! RFM segmentation: uploaded transaction files, analyses, their segments and per-customer results.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SegmentationDatasets {
    Table,
    Id,
    OwnerId,
    Format,
    SizeBytes,
    StorageKey,
    Rows,
    KeptRows,
    Customers,
    FirstInvoiceAt,
    LastInvoiceAt,
    DroppedMissingCustomer,
    DroppedCancelled,
    DroppedNonPositiveQuantity,
    DroppedNonPositivePrice,
    DroppedUnparseable,
    Issues,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SegmentationAnalyses {
    Table,
    Id,
    DatasetId,
    OwnerId,
    K,
    AutoK,
    Candidates,
    SnapshotDate,
    Customers,
    Silhouette,
    Inertia,
    TotalRevenue,
    Seed,
    Restarts,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SegmentationSegments {
    Table,
    AnalysisId,
    Cluster,
    Name,
    Size,
    RecencyMean,
    RecencyMedian,
    FrequencyMean,
    FrequencyMedian,
    MonetaryMean,
    MonetaryMedian,
    Revenue,
    RevenueShare,
    CentroidRecency,
    CentroidFrequency,
    CentroidMonetary,
}

#[derive(DeriveIden)]
enum SegmentationCustomers {
    Table,
    AnalysisId,
    CustomerId,
    Recency,
    Frequency,
    Monetary,
    RScore,
    FScore,
    MScore,
    Cluster,
    Segment,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SegmentationDatasets::Table)
                    .col(pk_uuid(SegmentationDatasets::Id))
                    .col(uuid(SegmentationDatasets::OwnerId))
                    .col(string_len(SegmentationDatasets::Format, 8))
                    .col(big_integer(SegmentationDatasets::SizeBytes))
                    .col(string(SegmentationDatasets::StorageKey))
                    .col(big_integer(SegmentationDatasets::Rows))
                    .col(big_integer(SegmentationDatasets::KeptRows))
                    .col(big_integer(SegmentationDatasets::Customers))
                    .col(timestamp_with_time_zone_null(SegmentationDatasets::FirstInvoiceAt))
                    .col(timestamp_with_time_zone_null(SegmentationDatasets::LastInvoiceAt))
                    .col(big_integer(SegmentationDatasets::DroppedMissingCustomer))
                    .col(big_integer(SegmentationDatasets::DroppedCancelled))
                    .col(big_integer(SegmentationDatasets::DroppedNonPositiveQuantity))
                    .col(big_integer(SegmentationDatasets::DroppedNonPositivePrice))
                    .col(big_integer(SegmentationDatasets::DroppedUnparseable))
                    .col(text(SegmentationDatasets::Issues))
                    .col(timestamp_with_time_zone(SegmentationDatasets::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_segmentation_datasets_owner")
                            .from(SegmentationDatasets::Table, SegmentationDatasets::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_segmentation_datasets_owner")
                    .table(SegmentationDatasets::Table)
                    .col(SegmentationDatasets::OwnerId)
                    .col(SegmentationDatasets::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_segmentation_datasets_created_at")
                    .table(SegmentationDatasets::Table)
                    .col(SegmentationDatasets::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SegmentationAnalyses::Table)
                    .col(pk_uuid(SegmentationAnalyses::Id))
                    .col(uuid(SegmentationAnalyses::DatasetId))
                    .col(uuid(SegmentationAnalyses::OwnerId))
                    .col(small_integer(SegmentationAnalyses::K))
                    .col(boolean(SegmentationAnalyses::AutoK))
                    .col(text(SegmentationAnalyses::Candidates))
                    .col(date(SegmentationAnalyses::SnapshotDate))
                    .col(big_integer(SegmentationAnalyses::Customers))
                    .col(double(SegmentationAnalyses::Silhouette))
                    .col(double(SegmentationAnalyses::Inertia))
                    .col(double(SegmentationAnalyses::TotalRevenue))
                    .col(big_integer(SegmentationAnalyses::Seed))
                    .col(integer(SegmentationAnalyses::Restarts))
                    .col(timestamp_with_time_zone(SegmentationAnalyses::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_segmentation_analyses_dataset")
                            .from(SegmentationAnalyses::Table, SegmentationAnalyses::DatasetId)
                            .to(SegmentationDatasets::Table, SegmentationDatasets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_segmentation_analyses_dataset")
                    .table(SegmentationAnalyses::Table)
                    .col(SegmentationAnalyses::DatasetId)
                    .col(SegmentationAnalyses::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SegmentationSegments::Table)
                    .col(uuid(SegmentationSegments::AnalysisId))
                    .col(small_integer(SegmentationSegments::Cluster))
                    .col(string_len(SegmentationSegments::Name, 64))
                    .col(big_integer(SegmentationSegments::Size))
                    .col(double(SegmentationSegments::RecencyMean))
                    .col(double(SegmentationSegments::RecencyMedian))
                    .col(double(SegmentationSegments::FrequencyMean))
                    .col(double(SegmentationSegments::FrequencyMedian))
                    .col(double(SegmentationSegments::MonetaryMean))
                    .col(double(SegmentationSegments::MonetaryMedian))
                    .col(double(SegmentationSegments::Revenue))
                    .col(double(SegmentationSegments::RevenueShare))
                    .col(double(SegmentationSegments::CentroidRecency))
                    .col(double(SegmentationSegments::CentroidFrequency))
                    .col(double(SegmentationSegments::CentroidMonetary))
                    .primary_key(
                        Index::create().col(SegmentationSegments::AnalysisId).col(SegmentationSegments::Cluster),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_segmentation_segments_analysis")
                            .from(SegmentationSegments::Table, SegmentationSegments::AnalysisId)
                            .to(SegmentationAnalyses::Table, SegmentationAnalyses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SegmentationCustomers::Table)
                    .col(uuid(SegmentationCustomers::AnalysisId))
                    .col(string_len(SegmentationCustomers::CustomerId, 64))
                    .col(integer(SegmentationCustomers::Recency))
                    .col(integer(SegmentationCustomers::Frequency))
                    .col(double(SegmentationCustomers::Monetary))
                    .col(small_integer(SegmentationCustomers::RScore))
                    .col(small_integer(SegmentationCustomers::FScore))
                    .col(small_integer(SegmentationCustomers::MScore))
                    .col(small_integer(SegmentationCustomers::Cluster))
                    .col(string_len(SegmentationCustomers::Segment, 64))
                    .primary_key(
                        Index::create().col(SegmentationCustomers::AnalysisId).col(SegmentationCustomers::CustomerId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_segmentation_customers_analysis")
                            .from(SegmentationCustomers::Table, SegmentationCustomers::AnalysisId)
                            .to(SegmentationAnalyses::Table, SegmentationAnalyses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_segmentation_customers_cluster")
                    .table(SegmentationCustomers::Table)
                    .col(SegmentationCustomers::AnalysisId)
                    .col(SegmentationCustomers::Cluster)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SegmentationCustomers::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SegmentationSegments::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SegmentationAnalyses::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SegmentationDatasets::Table).to_owned()).await
    }
}
