package dev.trellis.checkpoint.checkpoint;

import dev.trellis.protocol.memo.CheckpointView;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.UUID;

/** Records checkpoints of stored memo entries and shows them. */
@Service
public class Checkpoints {

    private final CheckpointRepository repository;

    Checkpoints(CheckpointRepository repository) {
        this.repository = repository;
    }

    /**
     * Records checkpoints in the caller's transaction, which has already stored their entries. A
     * checkpoint whose id was recorded before keeps its row and gains the keys it did not list yet:
     * a large checkpoint arrives in several batches with one id, and a redelivered batch adds nothing.
     *
     * @return the checkpoints that were new
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<NewCheckpoint> record(List<NewCheckpoint> checkpoints) {
        if (checkpoints.isEmpty()) {
            return List.of();
        }
        List<NewCheckpoint> created = repository.insertAbsent(checkpoints);
        repository.link(checkpoints);
        return created;
    }

    @Transactional(readOnly = true)
    List<CheckpointView> list(String workflowName) {
        return repository.findByWorkflowName(workflowName).stream().map(StoredCheckpoint::toView).toList();
    }

    /** @throws CheckpointNotFoundException also for an id that is not a UUID: no checkpoint can have it */
    @Transactional(readOnly = true)
    CheckpointView get(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new CheckpointNotFoundException(id);
        }
        return repository.findById(uuid).map(StoredCheckpoint::toView).orElseThrow(() -> new CheckpointNotFoundException(id));
    }
}
