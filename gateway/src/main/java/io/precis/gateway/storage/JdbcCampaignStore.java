package io.precis.gateway.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.precis.matcher.campaign.Campaign;
import io.precis.matcher.campaign.CampaignJson;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Campaigns as JSON documents in a SQL table, keyed by id, with the owner and status as columns
 * for queries. The document is {@link CampaignJson}'s stored form.
 */
public final class JdbcCampaignStore implements CampaignStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DataSource ds;

    public JdbcCampaignStore(Database db) {
        this.ds = db.dataSource();
        db.migrate("""
                CREATE TABLE IF NOT EXISTS campaigns (
                  id VARCHAR(64) PRIMARY KEY,
                  advertiser_id VARCHAR(64) NOT NULL,
                  status VARCHAR(16) NOT NULL,
                  body CLOB NOT NULL,
                  updated_at BIGINT NOT NULL)""",
                "CREATE INDEX IF NOT EXISTS campaigns_by_advertiser ON campaigns (advertiser_id)");
    }

    @Override
    public void save(Campaign campaign) {
        saveAll(List.of(campaign));
    }

    /** One transaction, so one commit to disk however many campaigns. */
    @Override
    public void saveAll(List<Campaign> campaigns) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "MERGE INTO campaigns (id, advertiser_id, status, body, updated_at) KEY (id) VALUES (?, ?, ?, ?, ?)")) {
                for (Campaign campaign : campaigns) {
                    ps.setString(1, campaign.id());
                    ps.setString(2, campaign.advertiserId());
                    ps.setString(3, campaign.status().name());
                    ps.setString(4, JSON.writeValueAsString(CampaignJson.toJson(campaign)));
                    ps.setLong(5, campaign.updatedAt().toEpochMilli());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | IOException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException | IOException e) {
            throw new StorageException("cannot store campaigns", e);
        }
    }

    @Override
    public List<Campaign> all() {
        List<Campaign> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT body FROM campaigns ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(CampaignJson.fromStored(JSON.readTree(rs.getString(1))));
            }
            return out;
        } catch (SQLException | IOException e) {
            throw new StorageException("cannot read campaigns", e);
        }
    }
}
