export {
  createRedisTokenStore,
  type RedisClientLike,
  type RedisTokenStoreEvent,
  type RedisTokenStoreOptions,
} from './redisTokenStore.ts'
