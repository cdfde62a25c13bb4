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
    /** The dialect's insert-or-replace (Database.upsert). */
    private final String save;

    public JdbcCampaignStore(Database db) {
        this.ds = db.dataSource();
        this.save = db.upsert("campaigns", List.of("id"), List.of("id", "advertiser_id", "status", "body", "updated_at"));
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
                    save)) {
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
                io.precis.reports.sql.Transactions.rollback(c, e);
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException dead) {
                    // The connection died with the database: the pool drops it, and the
                    // original failure, not this one, says what happened.
                }
            }
        } catch (SQLException | IOException e) {
            throw new StorageException("cannot store campaigns", e);
        }
    }

    @Override
    public java.util.Optional<Campaign> find(String id) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT body FROM campaigns WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(CampaignJson.fromStored(JSON.readTree(rs.getString(1))))
                        : java.util.Optional.empty();
            }
        } catch (SQLException | IOException e) {
            throw new StorageException("cannot read a campaign", e);
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
