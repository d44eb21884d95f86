DROP TABLE batch_members;
DROP TABLE batches;
DROP TABLE authority_group_members;
DROP TABLE authority_groups;
