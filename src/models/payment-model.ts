import {
  DataTypes,
  Model,
  type CreationOptional,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Creator } from './creator-model.ts';
import { legacyAmountDecimals } from '../domain/currency-precision.ts';

export const PAYMENT_STATUSES = [
  'created',
  'pending',
  'authorized',
  'succeeded',
  'failed',
  'canceled',
  'refunded',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * A Whop payment. `amount` is exact decimal text in major units (NUMERIC, any currency Whop
 * sends, crypto included), `refundedAmount` what refunds took back; `amountMinor` is the
 * conventional 2- or 0-place rounded figure older pages read. Money is never a float.
 */
export class Payment extends Model<InferAttributes<Payment>, InferCreationAttributes<Payment>> {
  declare id: CreationOptional<number>;
  declare whopPaymentId: string;
  declare creatorId: ForeignKey<Creator['id']> | null;
  declare whopCompanyId: string | null;
  declare whopUserId: string | null;
  declare whopMembershipId: string | null;
  declare whopProductId: string | null;
  declare amountMinor: number;
  /** Exact decimal text in major units ("49.99", "0.00012"). Derived from `amountMinor` when not given. */
  declare amount: CreationOptional<string>;
  declare amountDecimals: CreationOptional<number>;
  declare refundedAmount: CreationOptional<string>;
  declare whopPlanId: CreationOptional<string | null>;
  declare whopStatus: CreationOptional<string | null>;
  declare currency: string;
  declare status: PaymentStatus;
  declare failureMessage: string | null;
  declare paidAt: Date | null;
  declare whopUpdatedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Payment {
    return Payment.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        whopPaymentId: { type: DataTypes.TEXT, allowNull: false, unique: true },
        whopCompanyId: { type: DataTypes.TEXT, allowNull: true },
        whopUserId: { type: DataTypes.TEXT, allowNull: true },
        whopMembershipId: { type: DataTypes.TEXT, allowNull: true },
        whopProductId: { type: DataTypes.TEXT, allowNull: true },
        amountMinor: {
          type: DataTypes.BIGINT,
          allowNull: false,
          get(this: Model) {
            return Number(this.getDataValue('amountMinor'));
          },
        },
        amount: { type: DataTypes.DECIMAL, allowNull: false },
        amountDecimals: { type: DataTypes.SMALLINT, allowNull: false },
        refundedAmount: { type: DataTypes.DECIMAL, allowNull: false, defaultValue: '0' },
        whopPlanId: { type: DataTypes.TEXT, allowNull: true },
        whopStatus: { type: DataTypes.TEXT, allowNull: true },
        currency: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, validate: { isIn: [PAYMENT_STATUSES] } },
        failureMessage: { type: DataTypes.TEXT, allowNull: true },
        paidAt: { type: DataTypes.DATE, allowNull: true },
        whopUpdatedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      {
        sequelize,
        tableName: 'payments',
        underscored: true,
        hooks: {
          /** A row made from minor units alone (tests, older callers) gets its exact amount from them. */
          beforeValidate(payment: Payment) {
            if (payment.amountDecimals === undefined || payment.amountDecimals === null)
              payment.amountDecimals = legacyAmountDecimals(String(payment.currency));
            if (
              (payment.amount === undefined || payment.amount === null) &&
              Number.isSafeInteger(payment.amountMinor)
            ) {
              const digits = payment.amountDecimals;
              const text = Math.abs(payment.amountMinor)
                .toString()
                .padStart(digits + 1, '0');
              const sign = payment.amountMinor < 0 ? '-' : '';
              payment.amount =
                digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
            }
          },
        },
      },
    );
  }
}
